namespace Watchtower.Cli.Tail;

/// <summary>
/// How long a follow waits before its next poll: the interval, or after throttling and transient failures (which the
/// client has already retried) a delay that doubles up to a minute, with equal jitter so that several followers do
/// not poll in step.
/// </summary>
internal sealed class PollBackoff
{
    private static readonly TimeSpan s_max = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _interval;
    private readonly Func<double> _random;
    private int _failures;

    public PollBackoff(TimeSpan interval, Func<double>? random = null)
    {
        _interval = interval;
        _random = random ?? Random.Shared.NextDouble;
    }

    public int Failures => _failures;

    public TimeSpan Next() => _failures == 0 ? _interval : WithJitter(Math.Min(s_max.TotalMilliseconds, _interval.TotalMilliseconds * Math.Pow(2, _failures)));

    public void Succeeded() => _failures = 0;

    public void Failed() => _failures = Math.Min(_failures + 1, 16);

    private TimeSpan WithJitter(double ms) => TimeSpan.FromMilliseconds((ms / 2) + (_random() * ms / 2));
}
