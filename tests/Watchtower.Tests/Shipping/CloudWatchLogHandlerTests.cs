using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Watchtower.Diagnostics;
using Watchtower.Shipping;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Shipping;

public sealed class CloudWatchLogHandlerTests
{
    [Fact]
    public async Task Flush_DeliversEverythingEmittedBefore_PerStreamInOrder()
    {
        await using var h = new HandlerHarness();

        for (int i = 0; i < 5; i++)
        {
            Assert.True(h.Handler.Emit($"orders {i}", h.Now, "Orders"));
            Assert.True(h.Handler.Emit($"billing {i}", h.Now, "Billing"));
        }

        await h.Handler.FlushAsync();

        Assert.Equal(["Billing", "Orders"], h.Fake.StreamNames(HandlerHarness.Group));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"orders {i}"), h.Fake.StoredEvents(HandlerHarness.Group, "Orders").Select(e => e.Message));
        Assert.Equal(10, h.Metrics.Sent);
        Assert.Equal(10, h.Metrics.Enqueued);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Batching_10001Events_SplitsInto10000AndOne()
    {
        await using var h = new HandlerHarness(prepare: f => { f.CreateGroup(HandlerHarness.Group); });

        for (int i = 0; i < 10_001; i++)
        {
            h.Handler.Emit("event " + i, h.Now, "s");
        }

        await h.Handler.FlushAsync();

        Assert.Equal([10_000, 1], h.Fake.Batches.Select(b => b.Events.Count));
        Assert.Equal(10_001, h.Fake.StoredEvents(HandlerHarness.Group, "s").Count);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Batching_LargestOldLimitEvents_FourFillOneBatchExactly()
    {
        // Under the old 256 KB event limit the largest message is 262,118 bytes; four of them are exactly 1 MiB with overhead.
        await using var h = new HandlerHarness(o => o.MaxMessageSize = 262_144, maxEventSize: 262_144);
        string largest = new('x', 262_118);

        for (int i = 0; i < 5; i++)
        {
            h.Handler.Emit(largest, h.Now, "s");
        }

        await h.Handler.FlushAsync();

        Assert.Equal([4, 1], h.Fake.Batches.Select(b => b.Events.Count));
        Assert.Equal(0, h.Metrics.Truncated);
        Assert.Equal(5L * 262_144, h.Metrics.Bytes);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Truncation_MultiByteText_CutsAtCharacterBoundaryWithMarker()
    {
        // watchtower's test_unicode_logging: "€" (3 bytes) × 132,096 is about 396 KB, over the 256 KB limit.
        await using var h = new HandlerHarness(o => o.MaxMessageSize = 262_144, maxEventSize: 262_144);
        string euros = new('€', 132_096);

        for (int i = 0; i < 5; i++)
        {
            h.Handler.Emit(euros, h.Now, "s");
        }

        await h.Handler.FlushAsync();

        var stored = h.Fake.StoredEvents(HandlerHarness.Group, "s");
        Assert.Equal(5, stored.Count);
        Assert.Equal([4, 1], h.Fake.Batches.Select(b => b.Events.Count));
        foreach ((_, string message) in stored)
        {
            Assert.EndsWith(BatchRules.TruncationMarker, message, StringComparison.Ordinal);
            Assert.True(Encoding.UTF8.GetByteCount(message) + 26 <= 262_144);
            string kept = message[..^BatchRules.TruncationMarker.Length];
            Assert.True(kept.All(c => c == '€'));
            Assert.True(Encoding.UTF8.GetByteCount(message) + 26 > 262_144 - 3, "the cut wastes at most one character's bytes");
        }

        Assert.Equal(5, h.Metrics.Truncated);
        Assert.Contains(h.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Theory]
    [InlineData(0, false)]   // exactly at the 1 MB limit: sent whole
    [InlineData(1, true)]    // one byte over: cut
    public async Task Truncation_AtTheServiceLimit_MultiByteBoundary(int extraBytes, bool truncated)
    {
        await using var h = new HandlerHarness();
        // 1,048,550 bytes is the largest message: "€" × 349,516 (1,048,548 bytes) + "ab".
        string message = new string('€', 349_516) + "ab" + new string('c', extraBytes);

        h.Handler.Emit(message, h.Now, "s");
        await h.Handler.FlushAsync();

        string stored = Assert.Single(h.Fake.StoredEvents(HandlerHarness.Group, "s")).Message;
        Assert.Equal(truncated, stored != message);
        Assert.True(Encoding.UTF8.GetByteCount(stored) + 26 <= 1_048_576);
        Assert.DoesNotContain('\uFFFD', stored);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Batch_IsSortedByTimestamp_KeepingArrivalOrderForTies()
    {
        await using var h = new HandlerHarness();
        DateTimeOffset t = h.Now;

        h.Handler.Emit("c", t.AddSeconds(2), "s");
        h.Handler.Emit("a1", t, "s");
        h.Handler.Emit("b", t.AddSeconds(1), "s");
        h.Handler.Emit("a2", t, "s");
        h.Handler.Emit("a3", t, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(["a1", "a2", "a3", "b", "c"], h.Fake.StoredEvents(HandlerHarness.Group, "s").Select(e => e.Message));
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Batch_SpanningMoreThan24Hours_IsSplit()
    {
        await using var h = new HandlerHarness();

        h.Handler.Emit("yesterday", h.Now.AddHours(-26), "s");
        h.Handler.Emit("just now", h.Now.AddMinutes(-1), "s");
        h.Handler.Emit("a bit earlier", h.Now.AddHours(-1), "s");
        await h.Handler.FlushAsync();

        Assert.Equal(2, h.Fake.Batches.Count);
        Assert.Equal(3, h.Fake.StoredEvents(HandlerHarness.Group, "s").Count);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task DeliveryDeadline_EventWaitsAtMostSendInterval()
    {
        await using var h = new HandlerHarness(o => o.SendInterval = TimeSpan.FromSeconds(10));
        await h.IdleAsync();

        h.Handler.Emit("waits", h.Now, "s");
        await h.IdleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        await h.IdleAsync();
        Assert.Equal(0, h.Fake.PutCount);

        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await HandlerHarness.WaitUntilAsync(() => h.Metrics.Sent == 1, "the batch to go out at its deadline");
    }

    [Fact]
    public async Task DeliveryDeadline_CountsFromTheBatchsFirstEvent()
    {
        await using var h = new HandlerHarness(o => o.SendInterval = TimeSpan.FromSeconds(10));
        await h.IdleAsync();

        h.Handler.Emit("first", h.Now, "s");
        await h.IdleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(6));
        h.Handler.Emit("second", h.Now, "s");
        await h.IdleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(4));

        await HandlerHarness.WaitUntilAsync(() => h.Metrics.Sent == 2, "both events to go out 10 s after the first");
        Assert.Single(h.Fake.Batches);
    }

    [Fact]
    public async Task FullBatch_IsSentWithoutWaitingForTheDeadline()
    {
        await using var h = new HandlerHarness(o => { o.SendInterval = TimeSpan.FromHours(1); o.MaxBatchCount = 3; });

        for (int i = 0; i < 7; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s");
        }

        await HandlerHarness.WaitUntilAsync(() => h.Metrics.Sent == 6, "the two full batches");
        await h.IdleAsync();
        Assert.Equal(6, h.Metrics.Sent);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Emit_EmptyMessage_IsNotSentButWarnedAndCounted(string? message)
    {
        await using var h = new HandlerHarness();

        Assert.False(h.Handler.Emit(message!, h.Now, "s"));
        await h.Handler.FlushAsync();

        Assert.Equal(0, h.Fake.PutCount);
        Assert.Equal(1, h.Metrics.Dropped(DropReason.EmptyMessage));
        Assert.Contains(h.Warnings, w => w.Contains("Received empty message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Emit_AfterDispose_WarnsAndCounts()
    {
        var h = new HandlerHarness();
        h.Handler.Emit("before", h.Now, "s");
        await h.DisposeAsync();

        Assert.False(h.Handler.Emit("after", h.Now, "s"));

        Assert.Equal(["before"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.AfterShutdown));
        Assert.Contains(h.Warnings, w => w.Contains("Received message after logging system shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_DeliversWhatIsQueued_AndIsIdempotent()
    {
        var h = new HandlerHarness(o => o.SendInterval = TimeSpan.FromHours(1));
        for (int i = 0; i < 100; i++)
        {
            h.Handler.Emit("e" + i, h.Now, "s" + (i % 3));
        }

        await h.DisposeAsync();
        await h.Handler.DisposeAsync();
        h.Handler.Dispose();

        Assert.Equal(100, h.Fake.AllMessages(HandlerHarness.Group).Count);
        Assert.Equal(0, h.Metrics.DroppedTotal);
        Assert.DoesNotContain(h.Warnings, w => w.Contains("not delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_EndpointHanging_ReturnsAtShutdownTimeoutAndReportsUndelivered()
    {
        var h = new HandlerHarness(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5), prepare: f => f.HangPuts = true);
        for (int i = 0; i < 10; i++)
        {
            h.Handler.Emit("stuck " + i, h.Now, "s");
        }

        await h.IdleAsync();
        Task disposal = h.Handler.DisposeAsync().AsTask();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.PutCount == 1, "the put to hang");
        h.Clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(disposal.IsCompleted);
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await disposal.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(10, h.Metrics.Dropped(DropReason.ShutdownTimeout));
        Assert.Contains(h.Warnings, w => w.Contains("Timed out while delivering logs: 10 events were not delivered", StringComparison.Ordinal));
        await h.DisposeAsync();
    }

    [Fact]
    public async Task Setup_CreatesGroupWithTagsAndRetention()
    {
        await using var h = new HandlerHarness(o =>
        {
            o.LogGroupRetentionDays = 30;
            o.LogGroupTags = new Dictionary<string, string> { ["team"] = "payments", ["env"] = "test" };
        });

        h.Handler.Emit("x", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(30, h.Fake.Retention(HandlerHarness.Group));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "test", ["team"] = "payments" }, h.Fake.Tags(HandlerHarness.Group).OrderBy(t => t.Key).ToDictionary());
        Assert.Equal(["CreateLogGroup", "PutRetentionPolicy", "PutLogEvents", "CreateLogStream", "PutLogEvents"], h.Fake.Operations);
    }

    [Fact]
    public async Task Setup_ExistingGroup_IsTaggedThroughItsArn()
    {
        await using var h = new HandlerHarness(
            o => o.LogGroupTags = new Dictionary<string, string> { ["team"] = "payments" },
            prepare: f => f.CreateGroup(HandlerHarness.Group));

        await h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.Operations.Contains("TagResource"), "tagging");

        Assert.Equal("payments", h.Fake.Tags(HandlerHarness.Group)["team"]);
        Assert.Empty(h.Fake.ContractViolations);
    }

    [Fact]
    public async Task Setup_CreateGroupDenied_WarnsOnceAndStillDelivers()
    {
        await using var h = new HandlerHarness(prepare: f =>
        {
            f.CreateGroup(HandlerHarness.Group);
            f.Intercept((op, _) => op == "CreateLogGroup" ? StrictCloudWatchFake.ErrorResponse(HttpStatusCode.BadRequest, "AccessDeniedException", "User is not authorized to perform: logs:CreateLogGroup") : null);
        });

        h.Handler.Emit("still delivered", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(["still delivered"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Single(h.Warnings, w => w.Contains("Not allowed to create the log group", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Setup_CreateLogGroupFalse_MakesNoCreateCall()
    {
        await using var h = new HandlerHarness(o => o.CreateLogGroup = false, prepare: f => f.CreateGroup(HandlerHarness.Group));

        h.Handler.Emit("x", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.DoesNotContain("CreateLogGroup", h.Fake.Operations);
        Assert.Equal(["x"], h.Fake.AllMessages(HandlerHarness.Group));
    }

    [Fact]
    public async Task Stream_DeletedMidRun_IsRecreatedAndTheSameBatchResent()
    {
        await using var h = new HandlerHarness();
        h.Handler.Emit("one", h.Now, "s");
        await h.Handler.FlushAsync();

        h.Fake.DeleteStream(HandlerHarness.Group, "s");
        h.Handler.Emit("two", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(["two"], h.Fake.StoredEvents(HandlerHarness.Group, "s").Select(e => e.Message));
        Assert.Equal(0, h.Metrics.DroppedTotal);
        Assert.Equal(2, h.Metrics.Retries);
    }

    [Fact]
    public async Task Group_DeletedMidRun_IsRecreatedWithTagsAndRetention()
    {
        await using var h = new HandlerHarness(o => { o.LogGroupRetentionDays = 7; o.LogGroupTags = new Dictionary<string, string> { ["a"] = "b" }; });
        h.Handler.Emit("one", h.Now, "s");
        await h.Handler.FlushAsync();

        h.Fake.DeleteGroup(HandlerHarness.Group);
        h.Handler.Emit("two", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(["two"], h.Fake.StoredEvents(HandlerHarness.Group, "s").Select(e => e.Message));
        Assert.Equal(7, h.Fake.Retention(HandlerHarness.Group));
        Assert.Equal("b", h.Fake.Tags(HandlerHarness.Group)["a"]);
        Assert.Equal(0, h.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task Stream_MissingWithCreateLogStreamFalse_IsDroppedAndCounted()
    {
        await using var h = new HandlerHarness(o => o.CreateLogStream = false);

        h.Handler.Emit("lost", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(1, h.Metrics.Dropped(DropReason.DeliveryFailed));
        Assert.Contains(h.Warnings, w => w.Contains("CreateLogStream is false", StringComparison.Ordinal));
        Assert.DoesNotContain("CreateLogStream", h.Fake.Operations);
    }

    [Fact]
    public async Task ExistingStream_IsReusedWithoutCreateCall()
    {
        await using var h = new HandlerHarness(prepare: f =>
        {
            f.CreateGroup(HandlerHarness.Group);
        });
        h.Handler.Emit("first", h.Now, "s");
        await h.Handler.FlushAsync();
        int creates = h.Fake.Operations.Count(o => o == "CreateLogStream");

        h.Handler.Emit("second", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(1, creates);
        Assert.Equal(1, h.Fake.Operations.Count(o => o == "CreateLogStream"));
    }

    [Fact]
    public async Task EventsCloudWatchWouldRefuse_AreNotSentButCountedByReason()
    {
        await using var h = new HandlerHarness(o => o.LogGroupRetentionDays = 3);

        h.Handler.Emit("ancient", h.Now.AddDays(-20), "s");
        h.Handler.Emit("past retention", h.Now.AddDays(-5), "s");
        h.Handler.Emit("fine", h.Now, "s");
        h.Handler.Emit("future", h.Now.AddHours(3), "s");
        await h.Handler.FlushAsync();

        Assert.Equal(["fine"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedTooOld));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedExpired));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedTooNew));
        Assert.Equal(1, h.Metrics.Sent);
        Assert.Equal(2, h.Fake.PutCount); // the first found the stream missing
        Assert.Contains(h.Warnings, w => w.Contains("Not sending 1 events", StringComparison.Ordinal) && w.Contains("that CloudWatch Logs would refuse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventsTheServiceRefuses_AreCountedNotResent()
    {
        // The service's clock may differ from ours: what it refuses (here the first as expired, the last as too new)
        // is counted by its indexes and never sent again. The index rules themselves are tested on RejectedLogEventsInfo.
        await using var h = new HandlerHarness(prepare: f => { f.CreateGroup(HandlerHarness.Group); f.CreateStream(HandlerHarness.Group, "s"); });
        h.Faults.Then(Watchtower.Tests.Support.Faults.FaultKind.RejectEdgeEvents);

        for (int i = 0; i < 5; i++)
        {
            h.Handler.Emit("e" + i, h.Now.AddMilliseconds(i), "s");
        }

        await h.Handler.FlushAsync();

        Assert.Equal(["e1", "e2", "e3"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedExpired));
        Assert.Equal(1, h.Metrics.Dropped(DropReason.RejectedTooNew));
        Assert.Equal(3, h.Metrics.Sent);
        Assert.Equal(1, h.Fake.PutCount);
        Assert.Contains(h.Warnings, w => w.Contains("CloudWatch Logs refused 2 of 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliveryFailure_IsWarnedAndCounted()
    {
        // An error that is neither retryable nor about the events (an unknown 400): the batch is dropped and counted.
        await using var h = new HandlerHarness(prepare: f =>
        {
            f.CreateGroup(HandlerHarness.Group);
            f.Intercept((op, _) => null);
            f.Intercept((op, _) => op == "PutLogEvents" ? StrictCloudWatchFake.ErrorResponse(HttpStatusCode.BadRequest, "SomethingUnexpectedException", "something is wrong") : null);
        });

        h.Handler.Emit("x", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.Equal(1, h.Metrics.Dropped(DropReason.DeliveryFailed));
        Assert.Equal(1, h.Fake.PutCount);
        Assert.Contains(h.Warnings, w => w.StartsWith("Watchtower: Failed to deliver logs:", StringComparison.Ordinal) && w.Contains("something is wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseQueuesFalse_SendsOnTheCallersCall()
    {
        await using var h = new HandlerHarness(o => o.UseQueues = false);

        Assert.True(h.Handler.Emit("sync 1", h.Now, "s"));
        Assert.Equal(["sync 1"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.True(h.Handler.Emit("sync 2", h.Now, "s"));

        Assert.Equal(["sync 1", "sync 2"], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Equal(2, h.Metrics.Sent);
    }

    [Fact]
    public async Task UseQueuesFalse_FailureNeverReachesTheCaller()
    {
        await using var h = new HandlerHarness(o => o.UseQueues = false, prepare: f =>
        {
            f.Intercept((_, _) => StrictCloudWatchFake.ErrorResponse(HttpStatusCode.BadRequest, "AccessDeniedException", "denied"));
            f.Intercept((_, _) => StrictCloudWatchFake.ErrorResponse(HttpStatusCode.BadRequest, "AccessDeniedException", "denied"));
        });

        h.Handler.Emit("x", h.Now, "s");

        Assert.Equal(1, h.Metrics.Dropped(DropReason.DeliveryFailed));
    }

    [Fact]
    public async Task QueueFull_DropNewest_CountsDrops()
    {
        // One event per batch and one request at a time: the sender holds at most one event besides the one in flight.
        await using var h = new HandlerHarness(o => { o.QueueLimit = 10; o.QueueFullMode = QueueFullMode.DropNewest; o.MaxBatchCount = 1; o.MaxConcurrentSends = 1; });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;
        h.Handler.Emit("blocker", h.Now, "s");
        Task firstFlush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.PutCount == 1, "the sender to block");

        // The sender takes one more event (its bound is two: one in flight, one waiting); once it holds it and waits,
        // nothing leaves the queue until the gate opens, so which events find room no longer depends on timing.
        Assert.True(h.Handler.Emit("e0", h.Now, "s"));
        await HandlerHarness.WaitUntilAsync(() => h.Handler.HeldEvents == 2, "the sender to take e0");
        await h.IdleAsync();
        var accepted = new List<string> { "e0" };
        for (int i = 1; i < 50; i++)
        {
            if (h.Handler.Emit("e" + i, h.Now, "s"))
            {
                accepted.Add("e" + i);
            }
        }

        gate.SetResult();
        await firstFlush;
        await h.Handler.FlushAsync();

        // e0 is in the sender's batch and e1..e10 fill the queue; the report goes in before the first event taken after the drops.
        Assert.Equal(Enumerable.Range(0, 11).Select(i => "e" + i), accepted);
        Assert.Equal(39, h.Metrics.Dropped(DropReason.QueueFull));
        Assert.Equal(["blocker", "e0", "Watchtower: 39 events dropped: queue full 39.", .. accepted.Skip(1)], h.Fake.AllMessages(HandlerHarness.Group));
        Assert.Contains(h.Warnings, w => w.Contains("queue is full", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueFull_DropOldest_KeepsTheNewestEvents()
    {
        await using var h = new HandlerHarness(o => { o.QueueLimit = 5; o.QueueFullMode = QueueFullMode.DropOldest; o.MaxBatchCount = 1; o.MaxConcurrentSends = 1; });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;
        h.Handler.Emit("blocker", h.Now, "s");
        Task firstFlush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.PutCount == 1, "the sender to block");

        for (int i = 0; i < 20; i++)
        {
            Assert.True(h.Handler.Emit("e" + i, h.Now, "s"));
        }

        gate.SetResult();
        await firstFlush;
        await h.Handler.FlushAsync();

        IReadOnlyList<string> delivered = h.Fake.AllMessages(HandlerHarness.Group);
        Assert.Equal(["e15", "e16", "e17", "e18", "e19"], delivered.TakeLast(5));
        Assert.Equal(21 - delivered.Count(m => !IsDropReport(m)), h.Metrics.Dropped(DropReason.QueueFull));
        Assert.Single(delivered, IsDropReport);
    }

    [Fact]
    public async Task QueueFull_Wait_GivesUpAfterTheWaitTimeout()
    {
        await using var h = new HandlerHarness(o => { o.QueueLimit = 1; o.QueueFullMode = QueueFullMode.Wait; o.QueueFullWaitTimeout = TimeSpan.FromSeconds(2); o.MaxBatchCount = 1; o.MaxConcurrentSends = 1; });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;
        h.Handler.Emit("blocker", h.Now, "s");
        Task firstFlush = h.Handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => h.Fake.PutCount == 1, "the sender to block");
        Assert.True(h.Handler.Emit("into the sender's batch", h.Now, "s"));
        await h.IdleAsync();
        Assert.True(h.Handler.Emit("fills the queue", h.Now, "s"));

        // A thread of its own, so that the test can see when the call is blocked (its wait timer then exists)
        // before it moves the fake clock: no race with the scheduler.
        bool? accepted = null;
        var caller = new Thread(() => accepted = h.Handler.Emit("waits", h.Now, "s")) { IsBackground = true };
        caller.Start();
        bool Blocked() => (caller.ThreadState & ThreadState.WaitSleepJoin) != 0;
        // Blocked twice, a moment apart: a brief lock wait inside the call is not the wait for room.
        await HandlerHarness.WaitUntilAsync(Blocked, "the caller to block on the full queue");
        await Task.Delay(50);
        await HandlerHarness.WaitUntilAsync(Blocked, "the caller to stay blocked on the full queue");
        h.Clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.True(caller.IsAlive, "the caller gave up before the wait timeout");
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(caller.Join(TimeSpan.FromSeconds(10)), "the caller still waits after the timeout");

        Assert.False(accepted);
        Assert.Equal(1, h.Metrics.Dropped(DropReason.QueueFull));
        gate.SetResult();
        await firstFlush;
        await h.Handler.FlushAsync();
        Assert.Equal(["blocker", "into the sender's batch", "Watchtower: 1 event dropped: queue full 1.", "fills the queue"], h.Fake.AllMessages(HandlerHarness.Group));
    }

    [Fact]
    public async Task SlowService_MemoryStaysWithinQueueAndBatchBounds()
    {
        await using var h = new HandlerHarness(o => { o.QueueLimit = 100; o.MaxBatchCount = 10; o.MaxConcurrentSends = 2; });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;

        int accepted = 0;
        for (int i = 0; i < 10_000; i++)
        {
            accepted += h.Handler.Emit("e" + i, h.Now, "s" + (i % 7)) ? 1 : 0;
        }

        // Queue (100) + batches being filled (2 slots x 10) + batches in flight (2 x 10), whatever the timing.
        Assert.InRange(accepted, 100, 140);
        gate.SetResult();
        await h.Handler.FlushAsync();
        Assert.Equal(accepted, h.Fake.AllMessages(HandlerHarness.Group).Count(m => !IsDropReport(m)));
        Assert.Equal(10_000 - accepted, h.Metrics.Dropped(DropReason.QueueFull));
        // Reported in the stream once room came back; drops after that wait for the next report (at most one per 10 s).
        string report = Assert.Single(h.Fake.AllMessages(HandlerHarness.Group), IsDropReport);
        Assert.Matches("^Watchtower: [0-9]+ events? dropped: queue full [0-9]+\\.$", report);
    }

    [Fact]
    public async Task SenderRequests_RunInsideTheSenderScope()
    {
        await using var h = new HandlerHarness();

        h.Handler.Emit("x", h.Now, "s");
        await h.Handler.FlushAsync();

        Assert.NotEmpty(h.Fake.SenderScopeSeen);
        Assert.All(h.Fake.SenderScopeSeen, Assert.True);
        Assert.False(SenderScope.IsActive);
    }

    [Fact]
    public async Task Metrics_AreReportedOnTheWatchtowerMeter()
    {
        var sent = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Watchtower" && instrument.Name == "watchtower.events.sent")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "log_group" && (string?)tag.Value == "/app/metered")
                {
                    lock (sent)
                    {
                        sent.Add(value);
                    }
                }
            }
        });
        listener.Start();
        await using var h = new HandlerHarness(o => o.LogGroupName = "/app/metered");

        h.Handler.Emit("a", h.Now, "s");
        h.Handler.Emit("b", h.Now, "s");
        await h.Handler.FlushAsync();

        lock (sent)
        {
            Assert.Equal(2, sent.Sum());
        }
    }

    [Fact]
    public async Task DailyStreams_RollAtMidnightUtc_FromTheEventsOwnTime()
    {
        await using var h = new HandlerHarness(o => o.LogStreamName = "app/{strftime:%Y-%m-%d}");
        var beforeMidnight = new DateTimeOffset(2026, 11, 23, 23, 59, 59, 999, TimeSpan.Zero);

        h.Handler.Emit("late", beforeMidnight, "any");
        h.Handler.Emit("early", beforeMidnight.AddMilliseconds(1), "any");
        h.Clock.SetUtcNow(beforeMidnight);
        await h.Handler.FlushAsync();

        Assert.Equal(["app/2026-11-23", "app/2026-11-24"], h.Fake.StreamNames(HandlerHarness.Group));
    }

    [Fact]
    public async Task BusyStream_DoesNotStarveOthers_OfRequestSlots()
    {
        await using var h = new HandlerHarness(o => { o.MaxConcurrentSends = 1; o.MaxBatchCount = 2; o.SendInterval = TimeSpan.FromHours(1); });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.PutGate = gate;

        h.Handler.Emit("busy 0", h.Now, "busy");
        h.Handler.Emit("busy 1", h.Now, "busy");
        // The sender may take "busy 0" before "busy 1" is queued; the queue then holds less than a batch's worth and
        // does not wake it, so the full batch goes at its deadline: move the fake clock rather than race the sender.
        await h.AdvanceUntilAsync(() => h.Fake.PutCount == 1, TimeSpan.FromHours(1), "the busy stream's first batch to be held");
        h.Handler.Emit("quiet", h.Now, "quiet");
        h.Handler.Emit("busy 2", h.Now, "busy");
        await h.IdleAsync();
        gate.SetResult();
        await h.Handler.FlushAsync();

        // The busy stream had the last turn, so the quiet stream gets the next one although its batch was sealed later.
        Assert.Equal(["busy 0", "quiet", "busy 2"], h.Fake.Batches.Select(b => b.Events[0].Message));
    }

    [Fact]
    public async Task IdleStreams_AreForgotten_AndComeBackWhenUsedAgain()
    {
        await using var h = new HandlerHarness(o => o.LogStreamName = "{logger_name}");
        for (int i = 0; i < 20; i++)
        {
            h.Handler.Emit("once", h.Now, "short-lived-" + i);
        }

        await h.Handler.FlushAsync();
        Assert.Equal(20, h.Handler.StreamCount);

        h.Clock.Advance(TimeSpan.FromMinutes(6));
        h.Handler.Emit("again", h.Now, "short-lived-0");
        await h.Handler.FlushAsync();

        Assert.Equal(1, h.Handler.StreamCount);
        Assert.Equal(["once", "again"], h.Fake.StoredEvents(HandlerHarness.Group, "short-lived-0").Select(e => e.Message));
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new CloudWatchLogHandler(new CloudWatchLogHandlerOptions
        {
            LogGroupName = "bad name!",
            LogStreamName = "{host}",
            LogGroupRetentionDays = 10,
            Region = "us-east-1",
        }));

        Assert.Contains("LogGroupName 'bad name!'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown placeholder '{host}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("LogGroupRetentionDays 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ClientAndProfile_AreExclusive()
    {
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions { Region = "us-east-1", Credentials = new Amazon.Runtime.BasicAWSCredentials("a", "b") });

        var error = Assert.Throws<ArgumentException>(() => new CloudWatchLogHandler(new CloudWatchLogHandlerOptions { Client = client, ProfileName = "dev" }));

        Assert.Contains("Client and ProfileName cannot both be set", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void MaxBatchCount_OutOfRange_ThrowsWhenSet(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CloudWatchLogHandlerOptions { MaxBatchCount = value });

    [Fact]
    public void SendInterval_Zero_ThrowsWhenSet() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CloudWatchLogHandlerOptions { SendInterval = TimeSpan.Zero });

    private static bool IsDropReport(string message) => message.StartsWith("Watchtower: ", StringComparison.Ordinal) && message.Contains(" dropped: ", StringComparison.Ordinal);
}
