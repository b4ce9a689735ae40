namespace Watchtower.Cli.Tail;

/// <summary>What a tail reads and for how long, as the command line gave it.</summary>
internal sealed record TailSettings
{
    public required DateTimeOffset Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public bool Follow { get; init; }

    /// <summary>How late an event may arrive behind the newest and still be shown (<c>--lag</c>).</summary>
    public TimeSpan Lag { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Between polls (<c>--interval</c>).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the newest events wait to be put in order with late ones from other streams.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stop following after this long without a new event (<c>--exit-when-idle</c>).</summary>
    public TimeSpan? ExitWhenIdle { get; init; }

    /// <summary>A stream that delivers nothing this long stops holding the follow window back.</summary>
    public TimeSpan ActiveFor => Lag + Lag > TimeSpan.FromMinutes(2) ? Lag + Lag : TimeSpan.FromMinutes(2);
}
