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
    public void EventQueue_IsBoundedByCountAndByBytes()
    {
        var queue = new EventQueue(countLimit: 3, byteLimit: 100, QueueFullMode.DropNewest, TimeProvider.System);

        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 40, out _));
        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 40, out _));
        Assert.Equal(EnqueueResult.Full, Offer(queue, 40, out _)); // 120 bytes > 100
        Assert.Equal(EnqueueResult.Accepted, Offer(queue, 20, out _));
        Assert.Equal(EnqueueResult.Full, Offer(queue, 1, out _)); // 4 events > 3
        Assert.Equal(EnqueueResult.Full, Offer(queue, 101, out _)); // can never fit
        Assert.Equal((3, 100L), (queue.Count, queue.Bytes));
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
        var drained = new List<LogEvent>();
        queue.Drain(drained, int.MaxValue, long.MaxValue);
        Assert.Equal(["c", "d"], drained.Select(e => e.Message));
    }

    [Fact]
    public void EventQueue_Drain_StopsAtTheCountOrOnceTheBytesAreReached()
    {
        var queue = new EventQueue(countLimit: 10, byteLimit: 1000, QueueFullMode.DropNewest, TimeProvider.System);
        for (int i = 0; i < 6; i++)
        {
            Offer(queue, 50, out _);
        }

        var drained = new List<LogEvent>();
        Assert.Equal(2, queue.Drain(drained, maxCount: 2, maxBytes: long.MaxValue));
        Assert.Equal(3, queue.Drain(drained, maxCount: 10, maxBytes: 101)); // the event that crosses the limit is taken
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void EventQueue_Close_RefusesNewEventsButKeepsWhatIsQueued()
    {
        var queue = new EventQueue(countLimit: 10, byteLimit: 1000, QueueFullMode.Wait, TimeProvider.System);
        Offer(queue, 50, out _);
        queue.Close();

        Assert.Equal(EnqueueResult.Closed, Offer(queue, 50, out _));
        Assert.Equal(1, queue.Drain(new List<LogEvent>(), 10, 1000));
    }

    private static EnqueueResult Offer(EventQueue queue, int size, out int evicted, string message = "m") =>
        queue.TryEnqueue(new LogEvent(DateTimeOffset.UnixEpoch, "s", message, size), TimeSpan.Zero, out evicted, out _);
}
