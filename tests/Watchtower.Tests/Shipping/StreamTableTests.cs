using System.Text;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

/// <summary>When a batch is sealed and which stream is served next, on a fake clock, with no engine running.</summary>
public sealed class StreamTableTests
{
    private static readonly TimeSpan s_sendInterval = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _clock = new();
    private readonly StreamTable _table;
    private long _ids;

    public StreamTableTests()
    {
        _table = new StreamTable(new BatchRules(1_048_576, 3, 1_048_576), "g", new SenderMemory(), _clock);
    }

    public static TheoryData<double, bool, bool, double?> SealCases => new()
    {
        // seconds since the batch's first event arrived, seal all (flush, shutdown, stuck) => sealed, seconds until due
        { 0, false, false, 60 },
        { 59.5, false, false, 0.5 },
        { 60, false, true, null },
        { 3600, false, true, null },
        { 0, true, true, null },
    };

    [Theory]
    [MemberData(nameof(SealCases))]
    public void SealsAtTheDeadline_OrWhenAskedTo(double waitedSeconds, bool sealAll, bool sealedExpected, double? dueInSeconds)
    {
        StreamBuffer stream = Add("s");
        _clock.Advance(TimeSpan.FromSeconds(waitedSeconds));
        var wake = default(NextWake);

        _table.SealDue(_clock.GetTimestamp(), s_sendInterval, sealAll, NextId, ref wake);

        Assert.Equal(sealedExpected, stream.Sealed.Count == 1);
        Assert.Equal(dueInSeconds is { } s ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan, wake.Value);
    }

    [Fact]
    public void AFullBatch_IsSealedAsItFills_WithoutWaitingForTheDeadline()
    {
        StreamBuffer stream = Add("s", events: 3);

        Assert.Single(stream.Sealed);
        Assert.Equal(0, stream.OpenCount);
    }

    [Fact]
    public void ServesTheStreamServedLongestAgo_First_ThenByTheAgeOfItsBatch()
    {
        // b's batch is older than a's, but b was served more recently: a goes first, then b, then c (never served, newest batch).
        StreamBuffer b = Add("b", events: 3);
        StreamBuffer a = Add("a", events: 3);
        Dispatch(b);
        Complete(b);
        Add("b", events: 3);
        StreamBuffer c = Add("c", events: 3);
        var wake = default(NextWake);

        IReadOnlyList<StreamBuffer> ready = _table.Ready(_clock.GetTimestamp(), ref wake);

        Assert.Equal(["a", "c", "b"], ready.Select(s => s.Name));
        Assert.Same(a, ready[0]);
        Assert.Same(c, ready[1]);
    }

    [Fact]
    public void AStreamWithARequestInFlight_OrABackoffToWaitOut_IsNotReady_AndTheBackoffSetsTheWake()
    {
        StreamBuffer inFlight = Add("in-flight", events: 6); // two batches: one goes, one waits behind it
        Dispatch(inFlight);
        StreamBuffer backingOff = Add("backing-off", events: 3);
        Batch batch = Dispatch(backingOff);
        Complete(backingOff);
        StreamTable.Requeue(backingOff, batch, _clock.GetTimestamp() + _clock.TimestampFrequency * 5);
        var wake = default(NextWake);

        Assert.Empty(_table.Ready(_clock.GetTimestamp(), ref wake));
        Assert.Equal(TimeSpan.FromSeconds(5), wake.Value);

        _clock.Advance(TimeSpan.FromSeconds(5));
        wake = default;
        Assert.Equal(["backing-off"], _table.Ready(_clock.GetTimestamp(), ref wake).Select(s => s.Name));
    }

    [Fact]
    public void IdleStreams_AreForgottenAfterFiveMinutes_OrAtOnceAtTheBound()
    {
        StreamBuffer old = Add("old", events: 3);
        Complete(old, Dispatch(old));
        _clock.Advance(TimeSpan.FromMinutes(4));
        StreamBuffer recent = Add("recent", events: 3);
        Complete(recent, Dispatch(recent));

        _clock.Advance(TimeSpan.FromMinutes(1.5));
        _table.ForgetIdle(_clock.GetTimestamp(), atBound: false);
        Assert.Equal(1, _table.Count); // "old" idle 5.5 min, "recent" 1.5 min

        _clock.Advance(TimeSpan.FromSeconds(1));
        _table.ForgetIdle(_clock.GetTimestamp(), atBound: true);
        Assert.Equal(0, _table.Count);
    }

    private StreamBuffer Add(string name, int events = 1)
    {
        StreamBuffer stream = _table.For(name);
        long now = _clock.GetTimestamp();
        for (int i = 0; i < events; i++)
        {
            stream.Add(Encoding.UTF8.GetBytes("m" + i), 1_795_428_000_000, now, now, NextId);
        }

        return stream;
    }

    private Batch Dispatch(StreamBuffer stream) => _table.TakeForRequest(stream);

    private void Complete(StreamBuffer stream, Batch? batch = null)
    {
        stream.InFlight = false;
        stream.LastActive = _clock.GetTimestamp();
        _ = batch;
    }

    private long NextId() => ++_ids;
}
