using System.Text;
using static IronLb.Dapr.Tests.Contract.ClusterLayout;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>What every transport behind <see cref="IronLb.Core.Messaging.IEventPublisher"/> and <see cref="IronLb.Core.Messaging.ITopicHandler"/> must do.</summary>
public abstract class MessagingContract
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly IMessagingCluster _cluster;

    private protected MessagingContract(IMessagingCluster cluster) => _cluster = cluster;

    private DeliveryLog Log => _cluster.Log;

    [Fact]
    public async Task PublishAsync_SeveralGroups_EveryGroupReceivesEveryEventWithItsPayload()
    {
        var payloads = Enumerable.Range(0, 5).Select(i => Json($$"""{"seq":{{i}}}""")).ToArray();

        foreach (var payload in payloads)
        {
            await _cluster.Publisher.PublishAsync(Topics.Broadcast, payload);
        }

        var seen = await Log.WaitAsync(
            Topics.Broadcast,
            d => Groups.All(g => d.Where(x => x.Group == g).Select(x => x.Id).Distinct().Count() == payloads.Length),
            Patience,
            "every event in every group");
        foreach (var group in Groups)
        {
            var received = seen.Where(d => d.Group == group).DistinctBy(d => d.Id).Select(d => Encoding.UTF8.GetString(d.Data)).Order();
            Assert.Equal(payloads.Select(p => Encoding.UTF8.GetString(p)).Order(), received);
        }

        Assert.All(seen, d => Assert.False(string.IsNullOrEmpty(d.Source)));
        Assert.Equal(payloads.Length, seen.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public async Task PublishAsync_CompetingConsumers_EachEventGoesToOneMemberAndAllMembersShare()
    {
        const int count = 6;

        // The first event occupies whichever member takes it (its handler holds until a second member
        // has had one), so the rest can only progress if another member of the group takes them.
        await _cluster.Publisher.PublishAsync(Topics.Compete, Json("""{"job":0}"""));
        await Log.WaitAsync(Topics.Compete, d => d.Any(x => x.Group == Workers), Patience, "the first event in the workers group");
        for (var i = 1; i < count; i++)
        {
            await _cluster.Publisher.PublishAsync(Topics.Compete, Json($$"""{"job":{{i}}}"""));
        }

        var seen = await Log.WaitAsync(
            Topics.Compete,
            d => d.Where(x => x.Group == Workers).Select(x => x.Id).Distinct().Count() == count,
            Patience,
            "every event in the workers group");
        var workers = seen.Where(d => d.Group == Workers).ToArray();
        Assert.All(workers.GroupBy(d => d.Id), byId => Assert.Single(byId.Select(d => d.Member).Distinct()));
        Assert.Equal(MembersOf(Workers).Order(), workers.Select(d => d.Member).Distinct().Order());
    }

    [Fact]
    public async Task HandleAsync_ReturnsRetry_EventRedeliveredWithSameId()
    {
        await _cluster.Publisher.PublishAsync(Topics.Retry, Json("""{"retry":true}"""));

        var seen = await Log.WaitAsync(
            Topics.Retry,
            d => Groups.All(g => d.Any(x => x.Group == g && x.Attempt == 2)),
            Patience,
            "a second attempt in every group");

        Assert.Single(seen.Select(d => d.Id).Distinct());
        Assert.All(seen, d => Assert.Equal(Json("""{"retry":true}"""), d.Data));
    }

    [Fact]
    public async Task HandleAsync_Throws_EventRedelivered()
    {
        await _cluster.Publisher.PublishAsync(Topics.Throw, Json("""{"throw":true}"""));

        var seen = await Log.WaitAsync(
            Topics.Throw,
            d => Groups.All(g => d.Any(x => x.Group == g && x.Attempt == 2)),
            Patience,
            "a second attempt in every group");

        Assert.Single(seen.Select(d => d.Id).Distinct());
    }

    [Fact]
    public async Task HandleAsync_ReturnsDrop_EventGoesToDeadLetterTopicWithoutRedelivery()
    {
        await _cluster.Publisher.PublishAsync(Topics.Drop, Json("""{"drop":true}"""));

        // Every group drops its copy, so every group's dead letter reaches every group of the dead-letter topic.
        var groupCount = Groups.Count();
        var dead = await Log.WaitAsync(
            Topics.DropDeadLetter,
            d => Groups.All(g => d.Count(x => x.Group == g) >= groupCount),
            Patience,
            "each group's dead letter in every group");

        var dropped = Log.On(Topics.Drop);
        Assert.All(Groups, g => Assert.Single(dropped, d => d.Group == g));
        Assert.All(dead, d => Assert.Equal(Json("""{"drop":true}"""), d.Data));
    }

    [Fact]
    public async Task HandleAsync_RetriesExhausted_EventGoesToDeadLetterTopic()
    {
        await _cluster.Publisher.PublishAsync(Topics.Exhaust, Json("""{"exhaust":true}"""));

        var groupCount = Groups.Count();
        await Log.WaitAsync(
            Topics.ExhaustDeadLetter,
            d => Groups.All(g => d.Count(x => x.Group == g) >= groupCount),
            Patience,
            "each group's dead letter in every group");

        var attempts = Log.On(Topics.Exhaust);
        Assert.All(Groups, g => Assert.Equal(DaprResources.DeliveryAttempts, attempts.Count(d => d.Group == g)));
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
