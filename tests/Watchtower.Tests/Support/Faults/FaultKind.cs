namespace Watchtower.Tests.Support.Faults;

/// <summary>The faults a script can inject, each as the service or the network would show it.</summary>
public enum FaultKind
{
    /// <summary>400 ThrottlingException, not forwarded.</summary>
    Throttle,

    /// <summary>500 InternalFailure, not forwarded.</summary>
    ServerError,

    /// <summary>503 ServiceUnavailableException, not forwarded.</summary>
    ServiceUnavailable,

    /// <summary>Forwarded (so the service stores it), then the connection is reset before the answer: a resend may duplicate.</summary>
    ResetAfterForwarding,

    /// <summary>Forwarded, then the answer is held back past the client's request timeout: a resend may duplicate.</summary>
    DelayPastTimeout,

    /// <summary>
    /// Forwarded, then the HTTP stack throws a bare SocketException ("Transport endpoint is not connected"), as
    /// SocketsHttpHandler now and then does when a connection is reset (seen in the no-loss test); on the wire, a reset.
    /// </summary>
    BareSocketError,

    /// <summary>Not forwarded: the HTTP stack throws an exception no client would expect (an InvalidOperationException).</summary>
    UnexpectedException,

    /// <summary>400 ResourceNotFoundException for the stream, not forwarded.</summary>
    StreamNotFound,

    /// <summary>Forwarded without its first and last events, answered with rejectedLogEventsInfo for them (expired, too new).</summary>
    RejectEdgeEvents,

    /// <summary>400 AccessDeniedException, not forwarded.</summary>
    AccessDenied,

    /// <summary>400 InvalidParameterException when the batch holds an event containing <see cref="FaultScript.PoisonMarker"/>; forwarded otherwise.</summary>
    RejectPoisonEvent,
}
