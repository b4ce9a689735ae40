namespace Watchtower.Shipping;

/// <summary>
/// The pause for the endpoint as a whole, so that the request rate during an outage does not grow with the number of
/// streams. Two causes pause delivery: refused credentials (retrying at once cannot help and only hammers the
/// service) and an outage (two endpoint failures in a row with no answer between them: one failure may be one
/// stream's, and that stream backs off on its own). While paused, one probe request goes out after a delay that
/// doubles with each failed probe up to a cap; the first accepted request closes the circuit, and any answer from the
/// service ends an outage. A pure policy on TimeProvider timestamps, touched only by the sender loop.
/// </summary>
internal sealed class CircuitBreaker
{
    /// <summary>Endpoint failures in a row, with no answer between them, that pause delivery.</summary>
    public const int OutageThreshold = 2;

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _accessFirstDelay;
    private readonly TimeSpan _accessMaxDelay;
    private readonly TimeSpan _outageBaseDelay;
    private readonly TimeSpan _outageMaxDelay;
    private readonly Func<double> _random;
    private TimeSpan _delay;
    private TimeSpan _outageCeiling;
    private long _openedAt;
    private int _consecutiveFailures;
    private bool _probeDue;

    // Written by the sender loop only; volatile because diagnostics read it from other threads.
    private volatile Pause _pause;

    /// <param name="timeProvider">The clock of the delays.</param>
    /// <param name="firstDelay">The pause after refused credentials before the first probe.</param>
    /// <param name="maxDelay">The cap on that pause as it doubles.</param>
    /// <param name="outageBaseDelay">The first probe's delay ceiling in an outage (the retry policy's base delay).</param>
    /// <param name="outageMaxDelay">The cap on that ceiling as it doubles (the retry policy's cap).</param>
    /// <param name="random">Numbers in [0, 1) for the outage delay's jitter; tests pass a fixed one.</param>
    public CircuitBreaker(TimeProvider timeProvider, TimeSpan firstDelay, TimeSpan maxDelay, TimeSpan? outageBaseDelay = null, TimeSpan? outageMaxDelay = null, Func<double>? random = null)
    {
        _timeProvider = timeProvider;
        _accessFirstDelay = firstDelay;
        _accessMaxDelay = maxDelay;
        _outageBaseDelay = outageBaseDelay ?? TimeSpan.FromSeconds(1);
        _outageMaxDelay = outageMaxDelay ?? TimeSpan.FromSeconds(20);
        _random = random ?? Random.Shared.NextDouble;
    }

    public Pause Pause => _pause;

    public bool IsOpen => _pause != Pause.None;

    /// <summary>Whether the probe is in flight; no other request goes out until it returns.</summary>
    public bool ProbeInFlight { get; private set; }

    /// <summary>The pause before the next probe.</summary>
    public TimeSpan Delay => _delay;

    /// <summary>How many requests may go out now: any number while closed; one probe when the pause is over.</summary>
    public bool AllowsRequests(long now, out bool isProbe)
    {
        isProbe = IsOpen;
        return !IsOpen || (!ProbeInFlight && (_probeDue || _timeProvider.GetElapsedTime(_openedAt, now) >= _delay));
    }

    /// <summary>How long until a probe may go out, or null when none is due (closed, or a probe is in flight).</summary>
    public TimeSpan? UntilProbe(long now) =>
        !IsOpen || ProbeInFlight ? null : _probeDue ? TimeSpan.Zero : _delay - _timeProvider.GetElapsedTime(_openedAt, now);

    public void OnProbeSent()
    {
        ProbeInFlight = true;
        _probeDue = false;
    }

    /// <summary>Lets the next probe go out now, whatever the pause (a last look at shutdown); the backoff is unchanged.</summary>
    public void ProbeNow() => _probeDue = IsOpen;

    /// <summary>Records refused credentials; returns true when it paused delivery for them (the moment to warn).</summary>
    public bool OnRefused(long now, bool wasProbe)
    {
        _consecutiveFailures = 0;
        bool opened = _pause != Pause.AccessDenied;
        if (opened)
        {
            _delay = _accessFirstDelay;
        }
        else if (wasProbe)
        {
            _delay = _delay * 2 > _accessMaxDelay ? _accessMaxDelay : _delay * 2;
        }

        _pause = Pause.AccessDenied;
        if (wasProbe || opened)
        {
            ProbeInFlight = false;
            _openedAt = now;
        }

        return opened;
    }

    /// <summary>
    /// Records a failure that says the endpoint may be down (a connection error, a timeout, a 5xx, throttling); returns
    /// true when it paused delivery for an outage (the moment to warn).
    /// </summary>
    public bool OnEndpointFailure(long now, bool wasProbe)
    {
        switch (_pause)
        {
            case Pause.AccessDenied:
                // The probe learnt nothing about the credentials: keep the pause, as for a refused probe.
                if (wasProbe)
                {
                    OnRefused(now, wasProbe: true);
                }

                return false;

            case Pause.Outage:
                if (wasProbe)
                {
                    _outageCeiling = _outageCeiling * 2 > _outageMaxDelay ? _outageMaxDelay : _outageCeiling * 2;
                    Reopen(now);
                }

                return false;

            default:
                if (++_consecutiveFailures < OutageThreshold)
                {
                    return false;
                }

                _pause = Pause.Outage;
                _outageCeiling = _outageBaseDelay;
                Reopen(now);
                return true;
        }
    }

    /// <summary>Records an accepted request; returns true when it closed the circuit (the moment to say so).</summary>
    public bool OnAccepted()
    {
        bool closed = IsOpen;
        _pause = Pause.None;
        ProbeInFlight = false;
        _consecutiveFailures = 0;
        return closed;
    }

    /// <summary>
    /// Records an answer from the service that refused the request itself (an invalid event, a missing stream): the
    /// endpoint is reachable, so an outage is over; returns true when this ended one. Refused credentials stay paused.
    /// </summary>
    public bool OnAnswered()
    {
        _consecutiveFailures = 0;
        if (_pause != Pause.Outage)
        {
            return false;
        }

        _pause = Pause.None;
        ProbeInFlight = false;
        return true;
    }

    private void Reopen(long now)
    {
        // Equal jitter: never less than half the ceiling (an immediate probe would be a retry storm of one), and
        // spread over the other half, so that a fleet of processes does not probe in step.
        _delay = (_outageCeiling / 2) + (_outageCeiling / 2 * _random());
        ProbeInFlight = false;
        _openedAt = now;
    }
}
