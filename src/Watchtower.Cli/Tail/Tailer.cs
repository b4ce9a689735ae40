namespace Watchtower.Cli.Tail;

/// <summary>
/// The tail loop: one read in time order, or with <see cref="TailSettings.Follow"/> a poll every interval through a
/// <see cref="FollowWindow"/> (nothing late missed, nothing twice) and a <see cref="ReorderBuffer"/> (time order
/// across streams), backing off when throttled, until cancelled (Ctrl-C), idle or past <see cref="TailSettings.Until"/>.
/// </summary>
internal sealed class Tailer
{
    private readonly ITailSource _source;
    private readonly TailSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<TailEvent> _print;
    private readonly Action<string> _warn;
    private readonly PollBackoff _backoff;

    public Tailer(ITailSource source, TailSettings settings, TimeProvider time, Action<TailEvent> print, Action<string> warn, Func<double>? random = null)
    {
        _source = source;
        _settings = settings;
        _time = time;
        _print = print;
        _warn = warn;
        _backoff = new PollBackoff(settings.Interval, random);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_settings.Follow)
        {
            // Printed as read: the first events show before the last page of a long range is fetched.
            await foreach (TailEvent e in _source.StreamAsync(_settings.Since, _settings.Until, cancellationToken).ConfigureAwait(false))
            {
                _print(e);
            }

            return;
        }

        var window = new FollowWindow(_settings.Since, _settings.Lag, _settings.ActiveFor);
        var buffer = new ReorderBuffer(_settings.Hold);
        DateTimeOffset lastNew = _time.GetUtcNow();
        try
        {
            while (true)
            {
                int fresh = await PollAsync(window, buffer, cancellationToken).ConfigureAwait(false);
                DateTimeOffset now = _time.GetUtcNow();
                if (fresh > 0)
                {
                    lastNew = now;
                }

                if (Done(now, lastNew))
                {
                    break;
                }

                await Task.Delay(_backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the way a follow ends. What is held is still printed.
        }

        buffer.ReleaseAll().ForEach(_print);
    }

    private async Task<int> PollAsync(FollowWindow window, ReorderBuffer buffer, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<TailEvent> read = await _source.ReadAsync(window.Start, _settings.Until, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = _time.GetUtcNow();
            List<TailEvent> fresh = window.Admit(read, now);
            buffer.Add(fresh, now);
            buffer.Release(now).ForEach(_print);
            _backoff.Succeeded();
            return fresh.Count;
        }
        catch (CloudWatchLogsException e) when (e.Kind is CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient)
        {
            _backoff.Failed();
            if (_backoff.Failures == 1)
            {
                _warn($"{e.Operation} was {(e.Kind == CloudWatchErrorKind.Throttling ? "throttled" : "not answered")} ({e.ErrorCode}); polling less often until it recovers.");
            }

            // What is held is released on time all the same.
            buffer.Release(_time.GetUtcNow()).ForEach(_print);
            return 0;
        }
    }

    private bool Done(DateTimeOffset now, DateTimeOffset lastNew) =>
        (_settings.ExitWhenIdle is { } idle && now - lastNew >= idle)
        || (_settings.Until is { } until && now - _settings.Lag > until);
}
