namespace Watchtower.Shipping;

/// <summary>The earliest of the times the sender's round found work falling due: a deadline, a retry, a probe.</summary>
internal struct NextWake
{
    private TimeSpan _in;
    private bool _set;

    /// <summary>How long until the earliest, or infinite when nothing is due.</summary>
    public readonly TimeSpan Value => _set ? _in : Timeout.InfiniteTimeSpan;

    /// <summary>Something falls due after <paramref name="wait"/> (a negative one is due now).</summary>
    public void In(TimeSpan wait)
    {
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        if (!_set || wait < _in)
        {
            (_in, _set) = (wait, true);
        }
    }

    /// <summary>The earlier of <paramref name="wait"/> (infinite for nothing due) and <paramref name="other"/> (null for nothing due).</summary>
    public static TimeSpan Earliest(TimeSpan wait, TimeSpan? other)
    {
        var due = default(NextWake);
        if (wait != Timeout.InfiniteTimeSpan)
        {
            due.In(wait);
        }

        if (other is { } then)
        {
            due.In(then);
        }

        return due.Value;
    }
}
