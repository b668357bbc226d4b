using Pilotdeck.Interop.Client;

// The gRPC interop test client on Pilotdeck's runtime, plaintext HTTP/2 (h2c); the same command
// line and output as tests/Interop/node/interop_client.js and python/interop_client.py:
//   Pilotdeck.Interop.Client --server_host=127.0.0.1 --server_port=50051 --test_case=large_unary|all
// Exit codes: 0 every case passed, 1 a case failed, 2 bad usage.
return await CommandLine.RunAsync(args);

namespace Pilotdeck.Interop.Client
{
    internal static class CommandLine
    {
        private static readonly string[] KnownFlags =
            ["server_host", "server_host_override", "server_port", "test_case", "use_tls", "use_test_ca", "timeout_ms"];

        public static async Task<int> RunAsync(string[] args)
        {
            if (!TryParse(args, out var flags, out var error))
            {
                return Usage(error);
            }

            if (flags.TryGetValue("use_tls", out var tls) && tls != "false")
            {
                return Usage("TLS is not supported by this peer (loopback h2c only)");
            }

            if (!flags.TryGetValue("server_port", out var portText) || !int.TryParse(portText, out var port) || port is <= 0 or > 65535)
            {
                return Usage("--server_port=N is required");
            }

            var testCase = flags.GetValueOrDefault("test_case");
            var names = testCase == "all" ? InteropClient.CaseNames : [testCase ?? ""];
            if (!names.All(InteropClient.CaseNames.Contains))
            {
                return Usage($"--test_case must be one of: {string.Join(", ", InteropClient.CaseNames)}, all");
            }

            var timeoutMs = 30000;
            if (flags.TryGetValue("timeout_ms", out var timeoutText) && (!int.TryParse(timeoutText, out timeoutMs) || timeoutMs <= 0))
            {
                return Usage("--timeout_ms must be a positive number of milliseconds");
            }

            using var client = new InteropClient(flags.GetValueOrDefault("server_host") ?? "127.0.0.1", port, flags.GetValueOrDefault("server_host_override"));
            var failed = 0;
            foreach (var name in names)
            {
                var result = await client.RunAsync(name, TimeSpan.FromMilliseconds(timeoutMs));
                foreach (var note in result.Notes)
                {
                    Console.Error.WriteLine($"note: {name}: {note}");
                }

                if (result.Passed)
                {
                    Console.Out.WriteLine($"PASS {name}");
                }
                else
                {
                    failed++;
                    Console.Error.WriteLine($"FAIL {name}: {result.Failure}");
                }
            }

            if (names.Count > 1)
            {
                Console.Out.WriteLine($"{names.Count - failed} passed, {failed} failed");
            }

            return failed == 0 ? 0 : 1;
        }

        /// <summary>--name=value flags as the official interop programs take them; a bare --name means true.</summary>
        private static bool TryParse(string[] args, out Dictionary<string, string> flags, out string error)
        {
            flags = new Dictionary<string, string>(StringComparer.Ordinal);
            error = "";
            foreach (var arg in args)
            {
                if (!arg.StartsWith("--", StringComparison.Ordinal))
                {
                    error = $"unexpected argument '{arg}' (flags look like --name=value)";
                    return false;
                }

                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? arg[2..] : arg[2..equals];
                if (!KnownFlags.Contains(name))
                {
                    error = $"unknown flag --{name} (known: {string.Join(" ", KnownFlags.Select(k => "--" + k))})";
                    return false;
                }

                flags[name] = equals < 0 ? "true" : arg[(equals + 1)..];
            }

            return true;
        }

        private static int Usage(string message)
        {
            Console.Error.WriteLine($"interop_client: {message}");
            return 2;
        }
    }
}
