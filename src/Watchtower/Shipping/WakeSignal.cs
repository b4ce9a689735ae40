namespace Watchtower.Shipping;

/// <summary>
/// What the sender sleeps on: set by writers, flushes, finished sends and its own timer; it wakes once however often it
/// was set meanwhile. Cheaper than a semaphore wait with a cancellable delay beside it: no cancellation, so no
/// exception per sleep, and one small allocation per sleep rather than several.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
#if NET9_0_OR_GREATER
    private readonly Lock _lock = new();
#else
    private readonly object _lock = new();
#endif
    private readonly ITimer _timer;
    private TaskCompletionSource? _waiter;
    private bool _set;

    public WakeSignal(TimeProvider timeProvider)
    {
        _timer = timeProvider.CreateTimer(static state => ((WakeSignal)state!).Set(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Wakes the sleeper, or the next one to sleep if none is sleeping.</summary>
    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (_waiter is null)
            {
                _set = true;
                return;
            }

            waiter = _waiter;
            _waiter = null;
        }

        waiter.TrySetResult();
    }

    /// <summary>Arms the timer to set the signal after <paramref name="dueTime"/> (infinite for never), replacing any earlier arming.</summary>
    public void SetAfter(TimeSpan dueTime)
    {
        try
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A sender left behind at shutdown sleeps on: nothing is left for it to do.
        }
    }

    /// <summary>Completes when the signal is set; at once if it was set since the last wait.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }

    public void Dispose() => _timer.Dispose();
}
