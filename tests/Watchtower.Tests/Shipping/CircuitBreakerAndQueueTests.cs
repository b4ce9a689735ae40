using System.Text;
using Watchtower.Shipping;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Shipping;

public sealed class CircuitBreakerAndQueueTests
{
    [Fact]
    public void CircuitBreaker_ProbesOneAtATimeWithDoublingDelayUpToTheCap()
    {
        var clock = FakeClock.At2026();
        var circuit = new CircuitBreaker(clock, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        Assert.True(circuit.AllowsRequests(clock.GetTimestamp(), out bool probe));
        Assert.False(probe);

        Assert.True(circuit.OnRefused(clock.GetTimestamp(), wasProbe: false));
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 4; i++)
        {
            Assert.False(circuit.AllowsRequests(clock.GetTimestamp(), out _));
            TimeSpan wait = circuit.UntilProbe(clock.GetTimestamp())!.Value;
            waits.Add(wait);
            clock.Advance(wait);
            Assert.True(circuit.AllowsRequests(clock.GetTimestamp(), out probe));
            Assert.True(probe);
            circuit.OnProbeSent();
            Assert.False(circuit.AllowsRequests(clock.GetTimestamp(), out _)); // one probe at a time
            Assert.Null(circuit.UntilProbe(clock.GetTimestamp()));
            Assert.False(circuit.OnRefused(clock.GetTimestamp(), wasProbe: true));
        }

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)], waits);
        Assert.True(circuit.OnAccepted());
        Assert.False(circuit.IsOpen);
        Assert.True(circuit.AllowsRequests(clock.GetTimestamp(), out probe));
        Assert.False(probe);
    }

    [Fact]
    public void CircuitBreaker_RefusalOfARequestSentBeforeItOpened_DoesNotPostponeTheProbe()
    {
        var clock = FakeClock.At2026();
        var circuit = new CircuitBreaker(clock, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        circuit.OnRefused(clock.GetTimestamp(), wasProbe: false);
        clock.Advance(TimeSpan.FromSeconds(4));

        Assert.False(circuit.OnRefused(clock.GetTimestamp(), wasProbe: false));
        Assert.Equal(TimeSpan.FromSeconds(1), circuit.UntilProbe(clock.GetTimestamp()));
    }

    [Fact]
    public void CircuitBreaker_OneEndpointFailure_DoesNotPause_TwoInARowDo()
    {
        var clock = FakeClock.At2026();
        var circuit = new CircuitBreaker(clock, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), random: () => 0.5);

        Assert.False(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false));
        Assert.False(circuit.OnAnswered()); // one stream's failure, then an answer: no outage
        Assert.False(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false));
        Assert.True(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false));

        Assert.Equal(Pause.Outage, circuit.Pause);
        Assert.False(circuit.AllowsRequests(clock.GetTimestamp(), out _));
        Assert.Equal(TimeSpan.FromSeconds(0.75), circuit.UntilProbe(clock.GetTimestamp()));
    }

    [Fact]
    public void CircuitBreaker_Outage_ProbesOneAtATimeWithDoublingJitteredDelayUpToTheCap()
    {
        var clock = FakeClock.At2026();
        var circuit = new CircuitBreaker(clock, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), random: () => 1.0);
        circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false);
        circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false);

        var waits = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            TimeSpan wait = circuit.UntilProbe(clock.GetTimestamp())!.Value;
            waits.Add(wait);
            clock.Advance(wait);
            Assert.True(circuit.AllowsRequests(clock.GetTimestamp(), out bool probe));
            Assert.True(probe);
            circuit.OnProbeSent();
            Assert.False(circuit.AllowsRequests(clock.GetTimestamp(), out _));

            // A request that was in flight when the outage began fails too: it does not postpone the probe.
            Assert.False(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: false));
            Assert.Null(circuit.UntilProbe(clock.GetTimestamp()));
            Assert.False(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: true));
        }

        Assert.Equal([1, 2, 4, 8, 8], waits.Select(w => w.TotalSeconds));
        Assert.True(circuit.OnAnswered());
        Assert.Equal(Pause.None, circuit.Pause);
        Assert.True(circuit.AllowsRequests(clock.GetTimestamp(), out bool afterwards));
        Assert.False(afterwards);
    }

    [Fact]
    public void CircuitBreaker_PausedForAccess_StaysPausedThroughEndpointFailuresAndAnswers()
    {
        var clock = FakeClock.At2026();
        var circuit = new CircuitBreaker(clock, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        circuit.OnRefused(clock.GetTimestamp(), wasProbe: false);
        clock.Advance(TimeSpan.FromSeconds(5));
        circuit.OnProbeSent();

        Assert.False(circuit.OnEndpointFailure(clock.GetTimestamp(), wasProbe: true));
        Assert.False(circuit.OnAnswered());
        Assert.Equal(Pause.AccessDenied, circuit.Pause);
        Assert.Equal(TimeSpan.FromSeconds(10), circuit.UntilProbe(clock.GetTimestamp()));
        Assert.True(circuit.OnAccepted());
    }

    [Fact]
    public void EventQueue_IsBoundedByCountAndByBytes()
    {
        var queue = new EventQueue(countLimit: 3, byteLimit: 120, QueueFullMode.DropNewest, TimeProvider.System);

        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 40, out _));
        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 40, out _));
        Assert.Equal(EnqueueResult.Full, Offer(queue, 50, out _)); // 130 bytes > 120
        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 30, out _));
        Assert.Equal(EnqueueResult.Full, Offer(queue, 27, out _)); // 4 events > 3
        Assert.Equal(EnqueueResult.Full, Offer(queue, 121, out _)); // can never fit
        Assert.Equal((3, 110L), (queue.Count, queue.Bytes));
    }

    [Fact]
    public void EventQueue_DropOldest_EvictsUntilTheNewEventFitsByBytes()
    {
        var queue = new EventQueue(countLimit: 10, byteLimit: 100, QueueFullMode.DropOldest, TimeProvider.System);
        Offer(queue, 30, out _, "a");
        Offer(queue, 30, out _, "b");
        Offer(queue, 30, out _, "c");

        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 60, out int evicted, "d"));

        Assert.Equal(2, evicted);
        var drained = new List<QueuedEvent>();
        queue.Drain(drained, int.MaxValue, long.MaxValue, out _, out _);
        Assert.Equal(["c", "d"], drained.Select(e => Encoding.UTF8.GetString(e.Message)[..1]));
    }

    [Fact]
    public void EventQueue_Drain_StopsAtTheCountOrOnceTheBytesAreReached()
    {
        var queue = new EventQueue(countLimit: 10, byteLimit: 1000, QueueFullMode.DropNewest, TimeProvider.System);
        for (int i = 0; i < 6; i++)
        {
            Offer(queue, 50, out _);
        }

        var drained = new List<QueuedEvent>();
        Assert.Equal(2, queue.Drain(drained, maxCount: 2, maxBytes: long.MaxValue, out _, out _));
        Assert.Equal(3, queue.Drain(drained, maxCount: 10, maxBytes: 101, out _, out _)); // the event that crosses the limit is taken
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void EventQueue_Close_RefusesNewEventsButKeepsWhatIsQueued()
    {
        var queue = new EventQueue(countLimit: 10, byteLimit: 1000, QueueFullMode.Wait, TimeProvider.System);
        Offer(queue, 50, out _);
        queue.Close();

        Assert.Equal(EnqueueResult.Closed, Offer(queue, 50, out _));
        Assert.Equal(1, queue.Drain(new List<QueuedEvent>(), 10, 1000, out _, out _));
    }

    [Fact]
    public void EventQueue_AQueuedEventCostsItsUtf8BytesPlusAtMost48()
    {
        var queue = new EventQueue(countLimit: 100_000, byteLimit: long.MaxValue, QueueFullMode.DropNewest, TimeProvider.System);
        byte[] message = new byte[100];
        for (int i = 0; i < 100_000; i++)
        {
            Assert.Equal(EnqueueResult.Accepted, queue.TryEnqueue(message, i, "s", TimeSpan.Zero, out _, out _));
        }

        // Message bytes live in shared chunks, the rest in one 32-byte slot per event.
        double perEvent = (queue.ChunkBytes + queue.SlotBytes) / 100_000.0;
        Assert.InRange(perEvent, 100, 100 + 48);
    }

    [Fact]
    public void EventQueue_SteadyFlow_ReusesItsChunks()
    {
        var queue = new EventQueue(countLimit: 100_000, byteLimit: long.MaxValue, QueueFullMode.DropNewest, TimeProvider.System);
        byte[] message = new byte[1000];
        var drained = new List<QueuedEvent>();
        long held = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                queue.TryEnqueue(message, i, "s", TimeSpan.Zero, out _, out _);
            }

            drained.Clear();
            queue.Drain(drained, int.MaxValue, long.MaxValue, out _, out _);
            queue.OnDrainProcessed();
            held = round == 1 ? queue.ChunkBytes : held;
        }

        Assert.Equal(held, queue.ChunkBytes);
        Assert.InRange(queue.ChunkBytes, 1, 8 * EventQueue.ChunkSize);
    }

    [Fact]
    public void EventQueue_DropOldestWhileTheSenderIsBusy_DoesNotPileUpDeadChunks()
    {
        var queue = new EventQueue(countLimit: 100, byteLimit: long.MaxValue, QueueFullMode.DropOldest, TimeProvider.System);
        byte[] message = new byte[5_000]; // 13 per chunk
        for (int i = 0; i < 10_000; i++)
        {
            queue.TryEnqueue(message, i, "s", TimeSpan.Zero, out _, out _);
        }

        // 100 events of 5,000 bytes are live; evicted ones' chunks went back to be reused.
        Assert.InRange(queue.ChunkBytes, 100 * 5_000, (100 * 5_000) + (2 * EventQueue.ChunkSize) + (16 * EventQueue.ChunkSize));
    }

    [Fact]
    public void EventQueue_LargeMessages_GetChunksOfTheirOwnAndKeepOrder()
    {
        var queue = new EventQueue(countLimit: 100, byteLimit: long.MaxValue, QueueFullMode.DropNewest, TimeProvider.System);
        string[] messages = ["small-1", new string('L', 300_000), "small-2", new string('M', 20_000), "small-3"];
        foreach (string m in messages)
        {
            queue.TryEnqueue(Encoding.UTF8.GetBytes(m), 0, "s", TimeSpan.Zero, out _, out _);
        }

        var drained = new List<QueuedEvent>();
        queue.Drain(drained, int.MaxValue, long.MaxValue, out _, out _);

        Assert.Equal(messages, drained.Select(e => Encoding.UTF8.GetString(e.Message)));
    }

    [Fact]
    public void EventQueue_WakesTheSenderOnlyWhenItWouldBeLateOrABatchIsWaiting()
    {
        var clock = FakeClock.At2026();
        var queue = new EventQueue(countLimit: 1_000, byteLimit: long.MaxValue, QueueFullMode.DropNewest, clock, wakeCount: 10, deadline: TimeSpan.FromSeconds(60));
        byte[] message = [(byte)'x'];
        bool Offer() => queue.TryEnqueue(message, 0, "s", TimeSpan.Zero, out _, out bool wake) == EnqueueResult.Accepted && wake;

        // Asleep with no timer: the first event must wake it, later ones need not.
        queue.OnSenderSleeping(long.MaxValue);
        Assert.True(Offer());
        Assert.False(Offer());

        // Asleep with a timer due before the new events' deadline: no wake, until a batch's worth (10) is waiting.
        queue.Drain(new List<QueuedEvent>(), int.MaxValue, long.MaxValue, out _, out _);
        queue.OnDrainProcessed();
        queue.OnSenderSleeping(clock.GetTimestamp() + clock.TimestampFrequency);
        bool[] wakes = [.. Enumerable.Range(0, 12).Select(_ => Offer())];
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i == 9), wakes);

        // Awake: it looks at the queue before sleeping, so nothing wakes it (but a batch's worth, once per drain).
        queue.Drain(new List<QueuedEvent>(), int.MaxValue, long.MaxValue, out _, out _);
        queue.OnSenderAwake();
        Assert.False(Offer());

        // Going to sleep with events queued: it is told to wake by their deadline.
        long wakeAt = queue.OnSenderSleeping(long.MaxValue);
        Assert.Equal(queue.NonEmptySince + (60 * clock.TimestampFrequency), wakeAt);
    }

    /// <summary>Offers an event of <paramref name="size"/> bytes as CloudWatch counts them, its message starting with <paramref name="tag"/>.</summary>
    private static EnqueueResult Offer(EventQueue queue, int size, out int evicted, string tag = "m") =>
        queue.TryEnqueue(Encoding.UTF8.GetBytes(tag.PadRight(Math.Max(size - 26, 1), '.')), 0, "s", TimeSpan.Zero, out evicted, out _);
}
