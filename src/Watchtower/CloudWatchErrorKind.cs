namespace Watchtower;

/// <summary>
/// What a failed CloudWatch Logs call means for the caller: whether waiting and trying again can help,
/// whether a resource must be created first, or whether the request itself is wrong.
/// </summary>
public enum CloudWatchErrorKind
{
    /// <summary>An error that fits no other kind. Not retried.</summary>
    Other = 0,

    /// <summary>The service asked the caller to slow down (ThrottlingException and the SDKs' other throttling codes). Retryable.</summary>
    Throttling,

    /// <summary>A 5xx response, a network failure or a timeout. Retryable.</summary>
    Transient,

    /// <summary>The log group or log stream does not exist (ResourceNotFoundException).</summary>
    ResourceNotFound,

    /// <summary>The log group or log stream already exists (ResourceAlreadyExistsException).</summary>
    ResourceAlreadyExists,

    /// <summary>The request broke a rule of the API (InvalidParameterException, ValidationException and the like). Not retried.</summary>
    InvalidParameter,

    /// <summary>The credentials are missing, invalid, expired or lack permission, or the signature was refused. Not retried.</summary>
    AccessDenied,
}
