using Pilotdeck.Server.Features.Feedback;

namespace Pilotdeck.Server.Tests.Features.Feedback;

public sealed class BlockerGroupingTests
{
    [Theory]
    [InlineData("Export to CSV fails!", "csv export fail")]
    [InlineData("CSV export fails", "csv export fail")]
    [InlineData("The app crashes", "app crash")]
    [InlineData("Class list is empty", "class empty list")]
    [InlineData("无法导出 CSV", "csv 无法导出")]
    [InlineData("it is", "is it")]
    public void Key_FoldsCasePunctuationFillerPluralsAndOrder(string text, string key) =>
        Assert.Equal(key, BlockerGrouping.Key(text));

    [Theory]
    [InlineData("Login fails", "Loggin fails", true)]
    [InlineData("Import fails", "Export fails", false)]
    [InlineData("Login button broken", "Logout button broken", false)]
    [InlineData("导出按钮没有反应！", "导出按钮，没有反应", true)]
    public void Similar_OnlyNearIdenticalKeys(string a, string b, bool similar) =>
        Assert.Equal(similar, BlockerGrouping.Similarity(BlockerGrouping.Key(a), BlockerGrouping.Key(b)) >= BlockerGrouping.Threshold);

    [Fact]
    public void Merge_JoinsTheFirstSimilarGroup_InInputOrder()
    {
        string[] keys = ["csv export fail", "fail import", "csv exporrt fail", "fail login", "fail loggin"];

        var groups = BlockerGrouping.Merge(keys, k => k);

        Assert.Equal([["csv export fail", "csv exporrt fail"], ["fail import"], ["fail login", "fail loggin"]], groups.Select(g => g.ToArray()));
    }
}
