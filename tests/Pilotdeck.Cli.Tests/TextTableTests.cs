using Pilotdeck.Cli.Output;

namespace Pilotdeck.Cli.Tests;

/// <summary>A table on a terminal fits its width: the widest columns are cut (never an id), their cells ending in "…"; elsewhere every character is kept.</summary>
public sealed class TextTableTests
{
    private static readonly IReadOnlyList<string> Headers = ["id", "state", "message"];

    private static readonly IReadOnlyList<IReadOnlyList<string>> Rows =
    [
        ["imp_1", "planned", "Hi Fang, a quick reminder about the Fall pilot: we would love to have you. Reply to this message."],
        ["imp_2", "failed", "short"],
    ];

    [Fact]
    public void Table_WiderThanTheTerminal_CutsTheWidestColumnToFit()
    {
        using var output = new StringWriter();

        TextTable.Write(output, markdown: false, Headers, Rows, columns: 60);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.True(line.TrimEnd('\r').Length <= 60, $"{line.Length}: {line}"));
        Assert.StartsWith("imp_1  planned  Hi Fang, a quick reminder", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("…", lines[1].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.EndsWith("short", lines[2].TrimEnd('\r'), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_NoWidthToFit_KeepsEveryCharacter()
    {
        using var output = new StringWriter();

        // A StringWriter is not the console: as when stdout is a pipe or a file.
        TextTable.Write(output, markdown: false, Headers, Rows);

        Assert.Contains(Rows[0][2], output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("…", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_TerminalTooNarrow_CutsNoIdAndNoColumnBelowTwentyFour()
    {
        using var output = new StringWriter();
        var id = "01a250c3-a43e-7075-977a-e126450327ed";

        TextTable.Write(output, markdown: false, ["participant_id", "note"], [[id, new string('y', 60)]], columns: 62);

        Assert.Equal($"{id}  {new string('y', 23)}…", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }

    [Fact]
    public void Table_TooWideEvenCut_KeepsEveryCharacterAndWraps()
    {
        using var output = new StringWriter();
        var id = "01a250c3-a43e-7075-977a-e126450327ed";

        // 36 columns of id and 24 of the shortest cut note do not fit in 40: cutting would lose text for nothing.
        TextTable.Write(output, markdown: false, ["participant_id", "note"], [[id, new string('y', 60)]], columns: 40);

        Assert.Equal($"{id}  {new string('y', 60)}", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }

    [Fact]
    public void Table_ChineseAliases_AlignByTheColumnsTheyTakeOnScreen()
    {
        using var output = new StringWriter();

        // Each of 王芳 takes two terminal columns: "王芳" is as wide as "Lin " on screen.
        TextTable.Write(output, markdown: false, ["alias", "channel"], [["王芳", "wechat"], ["Lin Wei", "email"]]);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(["ALIAS    CHANNEL", "王芳     wechat", "Lin Wei  email"], lines);
    }

    [Fact]
    public void Table_ChineseTextCut_EndsWithinItsColumn()
    {
        using var output = new StringWriter();
        var id = "01a250c3-a43e-7075-977a-e126450327ed";

        TextTable.Write(output, markdown: false, ["participant_id", "message"], [[id, "您好！提醒您一下试用项目，我们很期待您的参与。直接回复本消息。"]], columns: 62);

        // 24 columns for the message: eleven characters of two columns each, then the "…".
        Assert.Equal($"{id}  您好！提醒您一下试用项…", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }

    [Fact]
    public void Report_FiguresLineUpOnTheRight_UnderARule()
    {
        using var output = new StringWriter();

        TextTable.Write(output, markdown: false, ["coverage", "covered", "%"], [["columns", "9", "52.0"], ["unit tests", "0", "n/a"], ["models", "12", "100.0"]], TableStyle.Report);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(
            [
                "coverage    covered      %",
                "----------  -------  -----",
                "columns           9   52.0",
                "unit tests        0    n/a",
                "models           12  100.0",
            ],
            lines);
    }

    [Fact]
    public void Report_InMarkdown_AlignsFigureColumnsRight()
    {
        using var output = new StringWriter();

        TextTable.Write(output, markdown: true, ["model", "column %"], [["orders", "52.0"], ["customers", "n/a"]], TableStyle.Report);

        Assert.Equal("|---|---:|", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }

    [Fact]
    public void Table_ColumnsKeptWhole_OnlyTheOthersAreCut()
    {
        using var output = new StringWriter();
        var model = "stg_github__pull_request_review_tmp";

        TextTable.Write(output, markdown: false, ["model", "why"], [[model, new string('y', 60)]], keepWhole: ["model"], columns: 64);

        Assert.Equal($"{model}  {new string('y', 26)}…", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }
}
