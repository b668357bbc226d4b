using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Pilotdeck.Interop.Tests;

/// <summary>How a child process ended, with everything it printed, for assertion messages.</summary>
internal sealed record ProcessOutcome(int ExitCode, bool TimedOut, string Stdout, string Stderr, string Transcript);

/// <summary>
/// A peer process started in the repository root with its output captured line by line.
/// Disposing kills the whole process tree, so a hung peer never outlives the test run.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _commandLine;
    private readonly object _gate = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _watches = new();
    private Action? _onOutput;

    private ChildProcess(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
    }

    /// <summary>Starts the process; a missing executable becomes an exception whose message says what to install.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string setupHint)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = RepoLayout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(" ", info.ArgumentList.Prepend(fileName));
        var child = new ChildProcess(new Process { StartInfo = info }, commandLine);
        child._process.OutputDataReceived += (_, e) => child.OnLine(child._stdout, e.Data);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(child._stderr, e.Data);
        try
        {
            child._process.Start();
        }
        catch (Win32Exception ex)
        {
            child._process.Dispose();
            throw new InvalidOperationException($"Cannot start `{commandLine}`: {ex.Message}. {setupHint}", ex);
        }

        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a stdout/stderr line matching <paramref name="pattern"/>; null if the process exits or the time runs out first.</summary>
    public async Task<Match?> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = pattern.Match(_stdout.ToString() + _stderr);
            if (seen.Success)
            {
                return seen;
            }

            _watches.Add((pattern, found));
        }

        var exited = _process.WaitForExitAsync();
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        return winner == found.Task ? await found.Task : null;
    }

    /// <summary>
    /// Waits for the process to exit. <paramref name="idleTimeout"/> restarts with every line of
    /// output, so a peer running many cases gets that long per case; past it the tree is killed.
    /// </summary>
    public async Task<ProcessOutcome> WaitForExitAsync(TimeSpan idleTimeout)
    {
        using var idle = new CancellationTokenSource(idleTimeout);
        lock (_gate)
        {
            _onOutput = () => idle.CancelAfter(idleTimeout);
        }

        var timedOut = false;
        try
        {
            await _process.WaitForExitAsync(idle.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            Kill();
            await _process.WaitForExitAsync();
        }
        finally
        {
            lock (_gate)
            {
                _onOutput = null;
            }
        }

        var ending = timedOut ? $"killed: no output for {idleTimeout.TotalSeconds:0} s" : $"exit code {_process.ExitCode}";
        lock (_gate)
        {
            return new ProcessOutcome(timedOut ? -1 : _process.ExitCode, timedOut, _stdout.ToString(), _stderr.ToString(), Transcript(ending));
        }
    }

    /// <summary>The command line and everything printed so far.</summary>
    public string Transcript(string? ending = null)
    {
        lock (_gate)
        {
            return $"$ {_commandLine}\n{(ending is null ? "" : $"({ending})\n")}--- stdout ---\n{_stdout}--- stderr ---\n{_stderr}--- end ---";
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private void OnLine(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            sink.AppendLine(line);
            _onOutput?.Invoke();
            for (var i = _watches.Count - 1; i >= 0; i--)
            {
                var match = _watches[i].Pattern.Match(line);
                if (match.Success)
                {
                    _watches[i].Found.TrySetResult(match);
                    _watches.RemoveAt(i);
                }
            }
        }
    }
}
