using Watchtower.Diagnostics;
using Watchtower.Tests.Support;
using Watchtower.Tests.Support.Faults;

namespace Watchtower.Tests.Shipping;

/// <summary>
/// The error taxonomy, backpressure and shutdown promises, proven in process: faults injected between the client and
/// the strict fake, on a fake clock. Every test ends with the same accounting: each event is delivered once, or is
/// counted as dropped with its reason (and duplicates are counted where a resend may have caused them).
/// </summary>
public sealed class DeliveryGuaranteeTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(FaultKind.Throttle)]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable)]
    public async Task RetryableFailures_AreRetriedWithBackoffAndTheSameBatchIsDelivered(FaultKind fault)
    {
        await using var h = Harness();
        h.Faults.Then(fault, 3);

        Emit(h, "s", 5);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "the batch to be delivered");

        Assert.Equal(Numbered(5), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(3, h.Faults.Injected(fault));
        Assert.Equal(1, h.Fake.PutCount);
        Assert.Equal(3, h.Metrics.Retries);
        Assert.Equal(0, h.Metrics.DroppedTotal);
        Assert.Equal(0, h.Metrics.PossiblyDuplicated);
        Assert.Contains(h.Warnings, w => w.Contains("retrying with backoff", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_WaitForTheirBackoffOnTheClock()
    {
        await using var h = Harness(o => { o.RetryBaseDelay = TimeSpan.FromSeconds(8); o.RetryMaxBackoff = TimeSpan.FromSeconds(8); });
        h.Faults.Then(FaultKind.ServiceUnavailable, 1);

        Emit(h, "s", 1);
        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Faults.Injected(FaultKind.ServiceUnavailable) == 1, "the first attempt");
        await h.IdleAsync();

        // Full jitter: the retry comes within [0, 8 s) of the failure, never later, and not before the clock moves.
        Assert.Empty(h.Fake.AllMessages(HandlerHarness.Group));
        h.Clock.Advance(TimeSpan.FromSeconds(8));
        await flush.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Numbered(1), h.Fake.AllMessages(HandlerHarness.Group));
    }

    [Fact]
    public async Task StreamInBackoff_DoesNotHoldUpOtherStreams()
    {
        // One request slot only: the failing stream must give it up while it waits.
        await using var h = Harness(o => o.MaxConcurrentSends = 1);
        h.Faults.OnlyStreams = s => s == "failing";
        h.Faults.Then(FaultKind.ServiceUnavailable, 1_000);

        h.Handler.Emit("stuck", h.Now, "failing");
        h.Handler.Emit("flows 1", h.Now, "healthy");
        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.Messages(HandlerHarness.Group, "healthy").Count == 1, "the healthy stream to be delivered");
        h.Handler.Emit("flows 2", h.Now, "healthy");
        Task second = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.Messages(HandlerHarness.Group, "healthy").Count == 2, "the healthy stream to keep flowing");

        Assert.False(flush.IsCompleted);
        Assert.Empty(h.Fake.Messages(HandlerHarness.Group, "failing"));
        h.Faults.Clear();
        await h.AdvanceUntilAsync(() => flush.IsCompleted && second.IsCompleted, s_step, "the failing stream to recover");
        Assert.Equal(["stuck"], h.Fake.Messages(HandlerHarness.Group, "failing"));
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task RetryTimeLimit_BoundsRetriesThenTheBatchIsDroppedAndCounted()
    {
        await using var h = Harness(o => o.RetryTimeLimit = TimeSpan.FromSeconds(60));
        h.Faults.Then(FaultKind.ServiceUnavailable, 1_000_000);

        Emit(h, "s", 3);
        Task flush = h.Handler.FlushAsync();
        DateTimeOffset started = h.Now;
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "the batch to be given up");

        Assert.Equal(3, h.Metrics.Dropped(DropReason.RetryTimeLimit));
        Assert.InRange(h.Now - started, TimeSpan.FromSeconds(60) - TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));
        int attempts = h.Faults.Injected(FaultKind.ServiceUnavailable);
        Assert.InRange(attempts, 3, 200);
        Assert.Contains(h.Warnings, w => w.Contains("RetryTimeLimit", StringComparison.Ordinal) && w.Contains("3 events", StringComparison.Ordinal));

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.IdleAsync();
        Assert.Equal(attempts, h.Faults.Injected(FaultKind.ServiceUnavailable));
    }

    [Fact]
    public async Task InvalidEvent_IsFoundBySplittingAndOnlyItIsDropped()
    {
        await using var h = Harness();
        h.Faults.AlwaysRejectPoison = true;

        for (int i = 0; i < 16; i++)
        {
            h.Handler.Emit(i == 11 ? "e11 " + FaultScript.PoisonMarker : "e" + i, h.Now.AddMilliseconds(i), "s");
        }

        await h.Handler.FlushAsync();

        Assert.Equal(Numbered(16).Where(m => m != "e11"), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.InvalidEvent));
        Assert.Equal(15, h.Metrics.Sent);
        // Halving refuses the batch and each half on the way down to the bad event: 16, 8, 4, 2, 1.
        Assert.Equal(5, h.Faults.Injected(FaultKind.RejectPoisonEvent));
        Assert.Contains(h.Warnings, w => w.Contains("refused an event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessDenied_PausesDeliveryProbesWithGrowingBackoffAndResumes()
    {
        await using var h = Harness(o => o.MaxBatchCount = 2);
        h.Faults.Then(FaultKind.AccessDenied, 3);

        Emit(h, "s", 10);
        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Handler.IsPausedForAccess, "delivery to pause");
        await h.IdleAsync();
        int refusedSoFar = h.Faults.Injected(FaultKind.AccessDenied);

        // Paused: nothing goes out before the first probe is due (5 s), however long the sender runs.
        h.Clock.Advance(TimeSpan.FromSeconds(4.9));
        await h.IdleAsync();
        Assert.Equal(refusedSoFar, h.Faults.Injected(FaultKind.AccessDenied));
        Assert.Equal(0, h.Fake.PutCount);

        // Then one probe at a time, 5 s, 10 s, 20 s apart, until one is accepted.
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "delivery to resume");
        Assert.False(h.Handler.IsPausedForAccess);
        Assert.Equal(Numbered(10), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(0, h.Metrics.DroppedTotal);
        Assert.Single(h.Warnings, w => w.Contains("refused the credentials", StringComparison.Ordinal));
        Assert.Contains(h.Warnings, w => w.Contains("resumed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FaultKind.ResetAfterForwarding)]
    [InlineData(FaultKind.DelayPastTimeout)]
    [InlineData(FaultKind.BareSocketError)]
    public async Task AmbiguousFailure_IsResentAndThePossibleDuplicatesAreCounted(FaultKind fault)
    {
        await using var h = Harness();
        h.Faults.Delay = TimeSpan.FromSeconds(45); // past the client's 30 s request timeout
        h.Faults.Then(fault, 1);

        Emit(h, "s", 4);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, TimeSpan.FromSeconds(5), "the batch to be resent");

        // The service stored the first attempt, then the resend: each event twice, and each counted as possibly duplicated.
        Assert.Equal([.. Numbered(4), .. Numbered(4)], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(4, h.Metrics.PossiblyDuplicated);
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task UnexpectedException_IsTriedAgain_ThenTheBatchIsGivenUpAndCounted()
    {
        await using var h = Harness();
        h.Faults.Then(FaultKind.UnexpectedException, 1);

        Emit(h, "s", 2);
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "the batch to be delivered after one surprise");
        Assert.Equal(Numbered(2), h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(0, h.Metrics.DroppedTotal);

        // One that keeps failing the same way is not retried for ever: after three tries the stream moves on.
        h.Faults.Then(FaultKind.UnexpectedException, 1_000);
        h.Handler.Emit("doomed", h.Now, "s");
        Task second = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => second.IsCompleted, s_step, "the batch to be given up");
        Assert.Equal(1, h.Metrics.Dropped(DropReason.DeliveryFailed));
        Assert.Equal(1 + 3, h.Faults.Injected(FaultKind.UnexpectedException));
        Assert.Contains(h.Warnings, w => w.Contains("3 unexpected failures", StringComparison.Ordinal) && w.Contains("InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamNotFound_CreatesTheStreamAndResendsTheSameBatch()
    {
        await using var h = Harness();
        Emit(h, "s", 2);
        await h.Handler.FlushAsync();
        h.Faults.Then(FaultKind.StreamNotFound, 1);

        h.Handler.Emit("after", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal([.. Numbered(2), "after"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(1, h.Fake.Operations.Count(o => o == "CreateLogStream"));
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Theory]
    [InlineData(FaultKind.ServiceUnavailable)]
    [InlineData(FaultKind.Throttle)]
    public async Task GroupDeletedMidRun_AndItsRecreationFailsTransiently_TheBatchIsKeptAndDelivered(FaultKind fault)
    {
        await using var h = Harness();
        Emit(h, "s", 2);
        await h.Handler.FlushAsync();
        h.Fake.DeleteGroup(HandlerHarness.Group);
        h.Faults.FaultedOperation = "CreateLogGroup";
        h.Faults.Then(fault, 2);

        h.Handler.Emit("after", h.Now, "s");
        Task flush = h.Handler.FlushAsync();
        await h.AdvanceUntilAsync(() => flush.IsCompleted, s_step, "the batch to be delivered once the group exists again");

        Assert.Equal(["after"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(2, h.Faults.Injected(fault));
        Assert.Equal(0, h.Metrics.DroppedTotal);
        // The put that found the group missing was refused, so the resend cannot duplicate it.
        Assert.Equal(0, h.Metrics.PossiblyDuplicated);
    }

    [Fact]
    public async Task ABurstThatFitsInTheMemoryBound_IsNotDropped_WithTheDefaultOptions()
    {
        // 400,000 events of 100 bytes: 50.4 MB as CloudWatch counts them, within the 64 MiB default byte bound. Nothing is
        // delivered while they are logged (every put waits), so the queue must hold them all, whatever the sender's pace.
        await using var h = new HandlerHarness();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;
        const int Burst = 400_000;
        string padding = new('x', 100 - 7);

        int accepted = 0;
        for (int i = 0; i < Burst; i++)
        {
            accepted += h.Handler.Emit($"{i,6}:{padding}", h.Now, "burst") ? 1 : 0;
        }

        Assert.Equal(Burst, accepted);
        Assert.Equal(0, h.Metrics.DroppedTotal);
        gate.SetResult();
        await h.Handler.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Burst, h.Metrics.Sent);
        Assert.Equal(Burst, h.Fake.AllMessages(HandlerHarness.Group).Count);
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task Outage_LongerThanTheQueueCanHold_StaysBoundedCountsDropsAndResumesByItself()
    {
        await using var h = Harness(o =>
        {
            o.QueueLimit = 1_000;
            o.QueueByteLimit = 1_048_576;
            o.MaxBatchCount = 100;
            o.MaxConcurrentSends = 2;
            o.SendInterval = TimeSpan.FromSeconds(5);
            o.RetryTimeLimit = TimeSpan.FromHours(1);
        });
        h.Faults.RefuseConnectionsFor(TimeSpan.FromMinutes(10));
        (long senderEvents, long senderBytes) = h.Handler.SenderLimits;

        const int Total = 20_000;
        int accepted = 0;
        for (int i = 0; i < Total; i++)
        {
            accepted += h.Handler.Emit("e" + i, h.Now, "s" + (i % 3)) ? 1 : 0;
            if (i % 200 == 199)
            {
                // A second of the outage per 200 events: 100 s of logging against a 10 minute outage.
                h.Clock.Advance(TimeSpan.FromSeconds(1));
                await h.IdleAsync();
                Assert.InRange(h.Handler.Queue!.Count, 0, 1_000);
                Assert.InRange(h.Handler.Queue!.Bytes, 0, 1_048_576);
                Assert.InRange(h.Handler.HeldEvents, 0, senderEvents);
                Assert.InRange(h.Handler.HeldBytes, 0, senderBytes);
            }
        }

        Assert.True(h.Faults.Refused > 0);
        Assert.True(accepted < Total, "the outage should outlast what the queue can hold");
        Assert.Equal(Total - accepted, h.Metrics.Dropped(DropReason.QueueFull));

        // The endpoint comes back: delivery resumes with no help from the application.
        await h.AdvanceUntilAsync(() => h.Metrics.Sent >= accepted, TimeSpan.FromSeconds(5), "delivery to resume");
        await h.Handler.FlushAsync();

        var delivered = h.Fake.AllMessages(HandlerHarness.Group).Where(m => !m.StartsWith("Watchtower: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(accepted, delivered.Count);
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(Total, delivered.Count + h.Metrics.Dropped(DropReason.QueueFull));
        foreach (string stream in new[] { "s0", "s1", "s2" })
        {
            var numbers = h.Fake.Messages(HandlerHarness.Group, stream).Where(m => m[0] == 'e').Select(m => int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(numbers.Order(), numbers);
        }

        Assert.Contains(h.Fake.AllMessages(HandlerHarness.Group), m => m.StartsWith("Watchtower: ", StringComparison.Ordinal) && m.Contains("queue full", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueByteLimit_BoundsTheQueueByBytes()
    {
        await using var h = Harness(o => { o.QueueByteLimit = 10_000; o.MaxMessageSize = 1_000; o.MaxBatchCount = 1; o.MaxConcurrentSends = 1; });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;
        h.Handler.Emit("blocker", h.Now, "s");
        Task flush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.PutCount == 1, "the sender to block");
        await h.IdleAsync();
        long held = h.Handler.HeldEvents;

        int accepted = 0;
        for (int i = 0; i < 100; i++)
        {
            // 974 characters + 26 = 1,000 bytes each.
            accepted += h.Handler.Emit(new string('x', 970) + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), h.Now, "s") ? 1 : 0;
        }

        Assert.InRange(h.Handler.Queue!.Bytes, 0, 10_000);
        Assert.InRange(accepted, 10, 10 + (2 - held));
        Assert.Equal(100 - accepted, h.Metrics.Dropped(DropReason.QueueFull));
        gate.SetResult();
        await flush;
    }

    [Fact]
    public async Task Shutdown_WithTheEndpointRefusingConnections_ReturnsWithinTheTimeoutAndReportsTheRest()
    {
        var h = Harness(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        h.Faults.RefuseConnectionsFor(TimeSpan.FromDays(1));
        Emit(h, "s", 7);
        await h.IdleAsync();

        Task disposal = h.Handler.DisposeAsync().AsTask();
        // Nothing but the clock moves: disposal must return by ShutdownTimeout plus its 10% grace.
        await h.Clock.AdvanceUntilAsync(() => disposal.IsCompleted, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5.5));
        await disposal;

        Assert.Equal(7, h.Metrics.Dropped(DropReason.ShutdownTimeout));
        Assert.Contains(h.Warnings, w => w.Contains("7 events were not delivered", StringComparison.Ordinal));
        await h.DisposeAsync();
    }

    [Fact]
    public async Task BadInput_NeverThrowsAndIsDeliveredOrCounted()
    {
        await using var h = Harness(o => o.LogStreamName = "{logger_name}/{strftime:%Y-%m-%d}");

        Assert.False(h.Handler.Emit(null!, h.Now, "s"));
        Assert.False(h.Handler.Emit("", h.Now, null!));
        Assert.True(h.Handler.Emit("lone \ud800 surrogate", h.Now, "s"));
        Assert.True(h.Handler.Emit(new string('é', 5_000_000), h.Now, "s")); // 10 MB of UTF-8
        Assert.True(h.Handler.Emit("from the year 1", DateTimeOffset.MinValue, "s"));
        Assert.True(h.Handler.Emit("from the year 9999", DateTimeOffset.MaxValue, "s"));
        Assert.True(h.Handler.Emit("fine", h.Now, "s"));
        await h.Handler.FlushAsync();

        IReadOnlyList<string> delivered = h.Fake.AllMessages(HandlerHarness.Group);
        Assert.Contains("lone \ufffd surrogate", delivered);
        Assert.Contains("fine", delivered);
        string truncated = Assert.Single(delivered, m => m.EndsWith("…[truncated]", StringComparison.Ordinal));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(truncated) + 26, 1_048_570, 1_048_576);
        Assert.Equal(2, h.Metrics.Dropped(DropReason.EmptyMessage));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedTooOld));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedTooNew));
        Assert.Equal(1, h.Metrics.Truncated);
        Assert.Empty(h.Fake.ContractViolations);
    }

    /// <summary>A harness whose group and streams exist already, so that every request the fault layer sees is a real put.</summary>
    private static HandlerHarness Harness(Action<CloudWatchLogHandlerOptions>? configure = null) => new(configure, prepare: f =>
    {
        f.CreateGroup(HandlerHarness.Group);
        foreach (string stream in new[] { "s", "s0", "s1", "s2", "failing", "healthy" })
        {
            f.CreateStream(HandlerHarness.Group, stream);
        }
    });

    private static void Emit(HandlerHarness h, string stream, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(h.Handler.Emit("e" + i, h.Now.AddMilliseconds(i), stream));
        }
    }

    private static IEnumerable<string> Numbered(int count) => Enumerable.Range(0, count).Select(i => "e" + i);
}
