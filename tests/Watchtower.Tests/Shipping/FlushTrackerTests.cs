using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

/// <summary>When a flush is complete, driven step by step as the sender loop would, with no engine running.</summary>
public sealed class FlushTrackerTests
{
    private readonly FlushTracker _flushes = new();

    [Fact]
    public void NothingPending_CompletesInTheNextRound()
    {
        Task flush = _flushes.Request(queueTarget: 0, CancellationToken.None);

        Round(queueRemoved: 0);

        Assert.True(flush.IsCompletedSuccessfully);
    }

    [Fact]
    public void WaitsUntilTheQueueIsDrainedUpToItsTarget()
    {
        Task flush = _flushes.Request(queueTarget: 100, CancellationToken.None);

        Assert.False(Round(queueRemoved: 99));
        Assert.False(flush.IsCompleted);
        Assert.True(Round(queueRemoved: 100));
        Assert.True(flush.IsCompletedSuccessfully);
    }

    [Fact]
    public void WaitsForEveryBatchSealedBeforeIt_InAnyOrder()
    {
        long first = _flushes.NewBatchId();
        long second = _flushes.NewBatchId();
        Task flush = _flushes.Request(queueTarget: 10, CancellationToken.None);
        Round(queueRemoved: 10);

        Finish(second);
        Assert.False(flush.IsCompleted);
        Finish(first);
        Assert.True(flush.IsCompletedSuccessfully);
    }

    [Fact]
    public void ABatchSealedAfterItDrained_DoesNotHoldItBack()
    {
        long before = _flushes.NewBatchId();
        Task flush = _flushes.Request(queueTarget: 10, CancellationToken.None);
        Round(queueRemoved: 10);
        _flushes.NewBatchId(); // later events, still unfinished

        Finish(before);

        Assert.True(flush.IsCompletedSuccessfully);
    }

    [Fact]
    public void ASplitBatch_IsFinishedWithItsLastPiece()
    {
        long batch = _flushes.NewBatchId();
        Task flush = _flushes.Request(queueTarget: 10, CancellationToken.None);
        Round(queueRemoved: 10);

        _flushes.OnSplit(batch); // two halves
        _flushes.OnSplit(batch); // one half halved again: three pieces
        Finish(batch);
        Finish(batch);
        Assert.False(flush.IsCompleted);
        Finish(batch);
        Assert.True(flush.IsCompletedSuccessfully);
    }

    [Fact]
    public void TwoFlushes_EachCompletesWhenItsOwnBatchesAreDone()
    {
        long first = _flushes.NewBatchId();
        Task early = _flushes.Request(queueTarget: 10, CancellationToken.None);
        Round(queueRemoved: 10);
        long second = _flushes.NewBatchId();
        Task late = _flushes.Request(queueTarget: 20, CancellationToken.None);
        Round(queueRemoved: 20);

        Finish(first);
        Assert.True(early.IsCompletedSuccessfully);
        Assert.False(late.IsCompleted);
        Finish(second);
        Assert.True(late.IsCompletedSuccessfully);
    }

    [Fact]
    public void WhenTheSenderStops_EveryFlushIsReleased_EvenOnesNotYetTaken()
    {
        _flushes.NewBatchId();
        Task waiting = _flushes.Request(queueTarget: 0, CancellationToken.None);
        Round(queueRemoved: 0);
        Task undrained = _flushes.Request(queueTarget: 50, CancellationToken.None);
        Round(queueRemoved: 10);
        Task notTaken = _flushes.Request(queueTarget: 60, CancellationToken.None);

        _flushes.ReleaseAll();

        Assert.All([waiting, undrained, notTaken], t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task ACancelledWait_EndsTheWaitOnly()
    {
        using var cancel = new CancellationTokenSource();
        long batch = _flushes.NewBatchId();
        Task cancelled = _flushes.Request(queueTarget: 0, cancel.Token);
        Task other = _flushes.Request(queueTarget: 0, CancellationToken.None);
        Round(queueRemoved: 0);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Finish(batch);
        Assert.True(other.IsCompletedSuccessfully);
    }

    /// <summary>What the loop does with flushes each round: take requests, seal (here: nothing more), complete what is done.</summary>
    private bool Round(long queueRemoved)
    {
        bool drained = _flushes.TakeRequests(queueRemoved);
        _flushes.OnSealed(queueRemoved);
        _flushes.CompleteFinished();
        return drained;
    }

    private void Finish(long batchId)
    {
        _flushes.OnFinished(batchId);
        _flushes.CompleteFinished();
    }
}
