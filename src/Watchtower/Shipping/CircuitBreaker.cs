namespace Watchtower.Shipping;

/// <summary>
/// The pause after CloudWatch refuses the credentials (access denied, unknown or expired keys): retrying at once
/// cannot help and only hammers the service, so delivery stops, one probe request goes out after a delay that
/// doubles with each refusal up to a cap, and the first accepted request closes the circuit. A pure policy on
/// TimeProvider timestamps, touched only by the sender loop.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private TimeSpan _delay;
    private long _openedAt;

    // Written by the sender loop only; volatile because diagnostics read it from other threads.
    private volatile bool _isOpen;

    public CircuitBreaker(TimeProvider timeProvider, TimeSpan firstDelay, TimeSpan maxDelay)
    {
        _timeProvider = timeProvider;
        _firstDelay = firstDelay;
        _maxDelay = maxDelay;
    }

    public bool IsOpen => _isOpen;

    /// <summary>Whether the probe is in flight; no other request goes out until it returns.</summary>
    public bool ProbeInFlight { get; private set; }

    /// <summary>The pause before the next probe.</summary>
    public TimeSpan Delay => _delay;

    /// <summary>How many requests may go out now: any number while closed; one probe when the pause is over.</summary>
    public bool AllowsRequests(long now, out bool isProbe)
    {
        isProbe = IsOpen;
        return !IsOpen || (!ProbeInFlight && _timeProvider.GetElapsedTime(_openedAt, now) >= _delay);
    }

    /// <summary>How long until a probe may go out, or null when none is due (closed, or a probe is in flight).</summary>
    public TimeSpan? UntilProbe(long now) =>
        IsOpen && !ProbeInFlight ? _delay - _timeProvider.GetElapsedTime(_openedAt, now) : null;

    public void OnProbeSent() => ProbeInFlight = true;

    /// <summary>Records a refusal; returns true when it opened the circuit (the moment to warn).</summary>
    public bool OnRefused(long now, bool wasProbe)
    {
        bool opened = !IsOpen;
        if (opened)
        {
            _delay = _firstDelay;
        }
        else if (wasProbe)
        {
            _delay = _delay * 2 > _maxDelay ? _maxDelay : _delay * 2;
        }

        _isOpen = true;
        if (wasProbe || opened)
        {
            ProbeInFlight = false;
            _openedAt = now;
        }

        return opened;
    }

    /// <summary>Records an accepted request; returns true when it closed the circuit (the moment to say so).</summary>
    public bool OnAccepted()
    {
        bool closed = IsOpen;
        _isOpen = false;
        ProbeInFlight = false;
        return closed;
    }
}
