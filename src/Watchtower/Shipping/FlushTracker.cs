using System.Collections.Concurrent;

namespace Watchtower.Shipping;

/// <summary>
/// When a flush is done. A flush covers the events accepted before it: once they are all out of the queue, every open
/// batch is sealed, and the flush completes when every batch sealed up to then is finished (delivered or dropped); the
/// halves of a split batch keep their parent's id, which is finished with its last piece. Batch ids are handed out
/// here, so that every sealed batch is known without looking for it. Requests come from any thread; the rest is the
/// sender loop's.
/// </summary>
internal sealed class FlushTracker
{
    private readonly ConcurrentQueue<(long QueueTarget, TaskCompletionSource Done)> _requests = new();
    private readonly List<(long QueueTarget, TaskCompletionSource Done)> _undrained = [];
    private readonly List<(long UpToBatch, TaskCompletionSource Done)> _waiting = [];
    private readonly SortedSet<long> _unfinished = [];
    private readonly Dictionary<long, int> _splitPieces = [];
    private long _lastBatchId;

    /// <summary>Asks for a flush of what the queue accepted up to <paramref name="queueTarget"/> (its count of accepted events now).</summary>
    public Task Request(long queueTarget, CancellationToken cancellationToken)
    {
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Enqueue((queueTarget, request));
        return request.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The id of a batch being sealed, unfinished from now on.</summary>
    public long NewBatchId()
    {
        long id = ++_lastBatchId;
        _unfinished.Add(id);
        return id;
    }

    /// <summary>Takes the requests made since the last round; returns whether any of them is drained (everything it covers is out of the queue).</summary>
    public bool TakeRequests(long queueRemoved)
    {
        while (_requests.TryDequeue(out (long QueueTarget, TaskCompletionSource Done) request))
        {
            _undrained.Add(request);
        }

        return _undrained.Exists(f => f.QueueTarget <= queueRemoved);
    }

    /// <summary>After the round's sealing: the drained flushes wait for every batch sealed up to now.</summary>
    public void OnSealed(long queueRemoved)
    {
        long sealedUpTo = _lastBatchId;
        _undrained.RemoveAll(flush =>
        {
            if (flush.QueueTarget > queueRemoved)
            {
                return false;
            }

            _waiting.Add((sealedUpTo, flush.Done));
            return true;
        });
    }

    /// <summary>A batch was halved: its id is finished with its last piece.</summary>
    public void OnSplit(long batchId) => _splitPieces[batchId] = _splitPieces.GetValueOrDefault(batchId, 1) + 1;

    /// <summary>A batch (or a piece of one) was delivered or dropped.</summary>
    public void OnFinished(long batchId)
    {
        if (_splitPieces.TryGetValue(batchId, out int pieces) && pieces > 1)
        {
            _splitPieces[batchId] = pieces - 1;
        }
        else
        {
            _splitPieces.Remove(batchId);
            _unfinished.Remove(batchId);
        }
    }

    /// <summary>Completes the flushes whose batches are all finished.</summary>
    public void CompleteFinished()
    {
        long lowestUnfinished = _unfinished.Count == 0 ? long.MaxValue : _unfinished.Min;
        _waiting.RemoveAll(flush =>
        {
            if (flush.UpToBatch < lowestUnfinished)
            {
                flush.Done.TrySetResult();
                return true;
            }

            return false;
        });
    }

    /// <summary>The sender stopped: every flush is released (disposal counts what was not delivered).</summary>
    public void ReleaseAll()
    {
        foreach ((_, TaskCompletionSource done) in _waiting.Concat(_undrained))
        {
            done.TrySetResult();
        }

        while (_requests.TryDequeue(out (long QueueTarget, TaskCompletionSource Done) request))
        {
            request.Done.TrySetResult();
        }
    }
}
