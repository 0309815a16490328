using System.Text.Json;
using IronLb.Cli.Events;
using IronLb.Testing;

namespace IronLb.Cli.Tests.Commands;

public class EventLineTests
{
    public static TheoryData<string> Examples() => [.. Directory.GetFiles(RepositoryLayout.PathOf("docs", "events", "examples"), "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Render_EveryDocumentedExample_OneLineWithTimeTypeSubjectVersionAndDetail(string file)
    {
        using var example = JsonDocument.Parse(File.ReadAllText(RepositoryLayout.PathOf("docs", "events", "examples", file)));
        var root = example.RootElement;

        var line = EventLine.Render(root);

        var shortType = file[..^".v1.json".Length];
        Assert.StartsWith("17:20:05.123 " + shortType + " " + root.GetProperty("subject").GetString() + " v", line, StringComparison.Ordinal);
        Assert.Contains(": ", line[13..], StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Render_OwnerMoved_SaysFromWhichNodeToWhich()
    {
        using var example = JsonDocument.Parse(File.ReadAllText(RepositoryLayout.PathOf("docs", "events", "examples", "layer2.owner.changed.v1.json")));

        Assert.EndsWith(": moved: node-a -> node-b (epoch 48)", EventLine.Render(example.RootElement), StringComparison.Ordinal);
    }
}
