namespace Watchtower.CloudWatch;

/// <summary>
/// The AWS SDKs' standard retry mode as a pure policy: capped exponential backoff with full jitter
/// (<c>delay = random[0,1) × min(base × 2^(attempt−1), cap)</c>), retrying only throttling and
/// transient errors, bounded by an attempt count and optionally by a time budget, with the standard
/// mode's retry quota (a token bucket that stops retry storms when the service is down).
/// It holds no timer of its own: the caller measures elapsed time with the same TimeProvider and waits
/// with <see cref="DelayAsync"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>The standard mode's attempt count: one call plus two retries.</summary>
    public const int StandardMaxAttempts = 3;

    public static readonly TimeSpan StandardBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan StandardMaxBackoff = TimeSpan.FromSeconds(20);

    private const int QuotaCapacity = 500;
    private const int RetryCost = 5;
    private const int TimeoutRetryCost = 10;

    private readonly Func<double> _random;
    private readonly object _quotaLock = new();
    private int _quota = QuotaCapacity;

    /// <param name="timeProvider">The clock that <see cref="DelayAsync"/> waits on.</param>
    /// <param name="maxAttempts">Attempts in all, the first included; <see cref="int.MaxValue"/> leaves only the time limit.</param>
    /// <param name="baseDelay">The first retry's upper bound before jitter.</param>
    /// <param name="maxBackoff">The cap on any one delay before jitter.</param>
    /// <param name="timeLimit">When set, no retry is scheduled that would start after this much time since the first attempt.</param>
    /// <param name="useRetryQuota">Whether retries draw from the standard mode's shared token bucket.</param>
    /// <param name="random">A source of numbers in [0, 1); tests pass a fixed one.</param>
    public RetryPolicy(
        TimeProvider timeProvider,
        int maxAttempts = StandardMaxAttempts,
        TimeSpan? baseDelay = null,
        TimeSpan? maxBackoff = null,
        TimeSpan? timeLimit = null,
        bool useRetryQuota = true,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        TimeProvider = timeProvider;
        MaxAttempts = maxAttempts;
        BaseDelay = baseDelay ?? StandardBaseDelay;
        MaxBackoff = maxBackoff ?? StandardMaxBackoff;
        TimeLimit = timeLimit;
        UseRetryQuota = useRetryQuota;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeProvider TimeProvider { get; }

    public int MaxAttempts { get; }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxBackoff { get; }

    public TimeSpan? TimeLimit { get; }

    public bool UseRetryQuota { get; }

    /// <summary>The retry quota left, for tests and diagnostics.</summary>
    public int AvailableQuota
    {
        get
        {
            lock (_quotaLock)
            {
                return _quota;
            }
        }
    }

    /// <summary>The upper bound of the delay before retry number <paramref name="retry"/> (1-based), before jitter.</summary>
    public TimeSpan BackoffCeiling(int retry)
    {
        // 2^(retry-1) overflows long before it matters; past 2^30 the cap has long applied.
        double factor = Math.Pow(2, Math.Min(retry - 1, 30));
        double ticks = Math.Min(BaseDelay.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Decides whether to retry after <paramref name="attemptsMade"/> attempts ended in <paramref name="error"/>,
    /// <paramref name="elapsed"/> after the first one started; if so, gives the delay and takes the retry's cost from the quota.
    /// </summary>
    public bool TryGetRetryDelay(int attemptsMade, CloudWatchLogsException error, TimeSpan elapsed, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(error);
        delay = TimeSpan.Zero;
        if (!error.IsRetryable || attemptsMade >= MaxAttempts)
        {
            return false;
        }

        delay = Backoff(attemptsMade);
        if (TimeLimit is { } limit && elapsed + delay > limit)
        {
            return false;
        }

        return !UseRetryQuota || TryTakeQuota(error.MayHaveBeenProcessed ? TimeoutRetryCost : RetryCost);
    }

    /// <summary>The delay before retry number <paramref name="attemptsMade"/>: full jitter over <see cref="BackoffCeiling"/>.</summary>
    public TimeSpan Backoff(int attemptsMade) => TimeSpan.FromTicks((long)(_random() * BackoffCeiling(attemptsMade).Ticks));

    /// <summary>Reports a success: the quota gets back what the call's retries took, or 1 when it needed none.</summary>
    public void OnSuccess(int attemptsMade, bool lastRetryWasTimeout = false)
    {
        if (!UseRetryQuota)
        {
            return;
        }

        int refund = attemptsMade <= 1 ? 1 : (lastRetryWasTimeout ? TimeoutRetryCost : RetryCost);
        lock (_quotaLock)
        {
            _quota = Math.Min(QuotaCapacity, _quota + refund);
        }
    }

    /// <summary>Waits on this policy's clock.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, TimeProvider, cancellationToken);

    private bool TryTakeQuota(int cost)
    {
        lock (_quotaLock)
        {
            if (_quota < cost)
            {
                return false;
            }

            _quota -= cost;
            return true;
        }
    }
}
