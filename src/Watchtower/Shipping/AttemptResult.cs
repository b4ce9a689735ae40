namespace Watchtower.Shipping;

/// <summary>What one attempt at a batch came to: the outcome and what goes with it. Made by <see cref="BatchAttempt"/>, acted on by the loop.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Rejected">For <see cref="AttemptOutcome.Stored"/>: the events the service refused, if any.</param>
/// <param name="Error">For <see cref="AttemptOutcome.Failed"/> and <see cref="AttemptOutcome.CannotCreate"/>: the failure.</param>
/// <param name="Unexpected">For <see cref="AttemptOutcome.Unexpected"/>: the exception.</param>
/// <param name="Recreated">How many times a missing stream (or group) was created and the batch sent again, on the way.</param>
internal readonly record struct AttemptResult(
    AttemptOutcome Outcome,
    RejectedLogEventsInfo? Rejected = null,
    CloudWatchLogsException? Error = null,
    Exception? Unexpected = null,
    int Recreated = 0)
{
    public static AttemptResult Abandoned => new(AttemptOutcome.Abandoned);

    /// <summary>
    /// Whether the HTTP stack may not be done with the body yet (the attempt was abandoned, failed unexpectedly, or got
    /// no answer): the body is then left to the garbage collector rather than reused.
    /// </summary>
    public bool BodyMayStillBeRead =>
        Outcome is AttemptOutcome.Abandoned or AttemptOutcome.Unexpected
        || (Error is { StatusCode: null, Kind: CloudWatchErrorKind.Transient });

    /// <summary>A failure with no answer at all (connection refused or reset, a name that does not resolve, a timeout).</summary>
    public bool IsUnreachable => Outcome == AttemptOutcome.Failed && Error is { StatusCode: null, Kind: CloudWatchErrorKind.Transient };

    /// <summary>A failure that says the endpoint may be down or overloaded: throttling, 5xx, no answer.</summary>
    public bool IsEndpointFailure => Outcome == AttemptOutcome.Failed && Error is { Kind: CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient };

    /// <summary>The service answered, refusing the request on its merits (an invalid event, an unknown error with a status): the endpoint is up.</summary>
    public bool IsAnsweredRefusal => Outcome == AttemptOutcome.Failed && Error is { StatusCode: not null, Kind: not (CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient or CloudWatchErrorKind.AccessDenied) };
}
