using Watchtower.Diagnostics;
using Watchtower.Tests.Support;
using Xunit.Abstractions;

namespace Watchtower.Tests.Shipping;

/// <summary>
/// The sender under conditions an adversary would pick: it must sleep when it can do nothing, keep its request rate
/// flat during an outage whatever the number of streams, and keep its memory within its bound.
/// </summary>
public sealed class SenderReliabilityTests(ITestOutputHelper output)
{
    public enum Stall
    {
        /// <summary>Every put hangs: a live endpoint that answers slowly, or not at all.</summary>
        Hang,

        /// <summary>Every put is refused for its credentials: expired or revoked keys.</summary>
        AccessDenied,

        /// <summary>Every connection is refused: a dead endpoint.</summary>
        ConnectionRefused,
    }

    [Theory]
    [InlineData(Stall.Hang)]
    [InlineData(Stall.AccessDenied)]
    [InlineData(Stall.ConnectionRefused)]
    public async Task SenderAtItsBound_WithTheQueueOlderThanSendInterval_SleepsInsteadOfSpinning(Stall stall)
    {
        // The sender fills its bound and can send nothing: it must wait for something it can act on.
        await using var h = new HandlerHarness(
            o => { o.MaxBatchCount = 10; o.MaxConcurrentSends = 1; o.SendInterval = TimeSpan.FromSeconds(5); },
            prepare: f => { f.CreateGroup(HandlerHarness.Group); f.CreateStream(HandlerHarness.Group, "s"); });
        switch (stall)
        {
            case Stall.Hang: h.Fake.HangPuts = true; break;
            case Stall.AccessDenied: h.Faults.Then(Support.Faults.FaultKind.AccessDenied, 1_000_000); break;
            default: h.Faults.RefuseConnectionsFor(TimeSpan.FromDays(1)); break;
        }

        for (int i = 0; i < 100; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s");
        }

        await HandlerHarness.WaitUntilAsync(() => h.Handler.HeldEvents == h.Handler.SenderLimits.Events, "the sender to fill its bound");
        await h.IdleAsync();

        // The queue's oldest event is now older than SendInterval, and the sender can take none of it.
        h.Clock.Advance(TimeSpan.FromSeconds(6));
        await h.IdleAsync();
        Assert.Equal((long)h.Handler.SenderLimits.Events, h.Handler.HeldEvents);
        Assert.True(h.Handler.Queue!.Count > 0);

        long before = h.Handler.SenderRounds;
        for (int i = 0; i < 20; i++)
        {
            // Each idle wait wakes the sender once; a sender that spins runs thousands of rounds meanwhile.
            await h.IdleAsync();
        }

        Assert.InRange(h.Handler.SenderRounds - before, 1, 40);
    }

    [Fact]
    public async Task DropsInTheLastSecondsBeforeShutdown_AreReportedInTheStream()
    {
        var h = new HandlerHarness(o => { o.QueueLimit = 10; o.MaxBatchCount = 5; o.MaxConcurrentSends = 1; });

        // Two bursts of drops, the second within the 10 s in which a second report would wait for the first.
        for (int burst = 0; burst < 2; burst++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            h.Fake.PutGate = gate;
            for (int i = 0; i < 100; i++)
            {
                h.Handler.Emit($"b{burst} e{i}", h.Now, "s");
            }

            gate.SetResult();
            await h.Handler.FlushAsync();
            h.Fake.PutGate = null;
            h.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await h.DisposeAsync();

        long dropped = h.Metrics.Dropped(DropReason.QueueFull);
        Assert.True(dropped > 100, "both bursts should have dropped events");
        long reported = h.Fake.AllMessages(HandlerHarness.Group)
            .Where(m => m.StartsWith("Watchtower: ", StringComparison.Ordinal))
            .Sum(m => long.Parse(System.Text.RegularExpressions.Regex.Match(m, "queue full ([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dropped, reported);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000)]
    public async Task DeadEndpoint_RequestRateDoesNotGrowWithTheNumberOfStreams(int streams)
    {
        await using var h = new HandlerHarness(o => { o.SendInterval = TimeSpan.FromSeconds(1); o.RetryTimeLimit = TimeSpan.FromHours(1); });
        h.Faults.RefuseConnectionsFor(TimeSpan.FromMinutes(2));
        for (int i = 0; i < streams; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s" + i);
        }

        // A minute of the outage, after the first second's deadline has sealed every stream's batch.
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.IdleAsync();
        int before = h.Faults.Refused;
        for (int step = 0; step < 600; step++)
        {
            h.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await h.IdleAsync();
        }

        // One stream retries about 11 times a minute (1 s doubling to 20 s, with full jitter); the endpoint as a whole
        // is probed at that rate whatever the number of streams, one request at a time.
        int requests = h.Faults.Refused - before;
        output.WriteLine($"{streams} streams: {requests} requests in a minute of outage");
        Assert.InRange(requests, 3, 30);
        Assert.Contains(h.Warnings, w => w.Contains("unreachable", StringComparison.Ordinal) || streams == 1);

        // When the endpoint comes back, every stream is delivered without help.
        await h.AdvanceUntilAsync(() => h.Metrics.Sent == streams, TimeSpan.FromSeconds(1), "delivery to resume");
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task ManyStreams_HungEndpoint_SenderMemoryStaysWithinItsBound_AndIsAllGivenBack()
    {
        await using var h = new HandlerHarness(o => o.SendInterval = TimeSpan.FromSeconds(1));
        h.Fake.HangPuts = true;
        const int Streams = 20_000;
        for (int i = 0; i < Streams; i++)
        {
            Assert.True(h.Handler.Emit("e" + i, h.Now, "s" + i));
        }

        h.Clock.Advance(TimeSpan.FromSeconds(2));
        await h.IdleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        await h.IdleAsync();

        // Counted as it really is (buffers' capacity, per-stream and per-batch objects), and bounded: the sender stops
        // taking from the queue once its memory is used, and the queue holds the rest. One bite of 64 new streams may pass it.
        long bite = 64 * 1_024;
        Assert.InRange(h.Handler.HeldMemory, h.Handler.SenderMemoryLimit / 2, h.Handler.SenderMemoryLimit + bite);
        Assert.True(h.Handler.Queue!.Count > 0, "the queue should hold what the sender may not");
        Assert.Equal(Streams, h.Handler.Queue.Count + h.Handler.HeldEvents);

        // The endpoint answers again: everything is delivered, and the memory comes back to the streams' own objects.
        h.Fake.HangPuts = false;
        await h.AdvanceUntilAsync(() => h.Metrics.Sent == Streams, TimeSpan.FromSeconds(10), "everything to be delivered");
        await h.Handler.FlushAsync();
        Assert.InRange(h.Handler.HeldMemory, 1, h.Handler.StreamCount * 1_024L);

        // Forgotten when idle: nothing is left counted.
        h.Clock.Advance(TimeSpan.FromMinutes(7));
        await h.IdleAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.IdleAsync();
        Assert.Equal(0, h.Handler.StreamCount);
        Assert.Equal(0, h.Handler.HeldMemory);
    }
}
