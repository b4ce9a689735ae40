using System.Net;

namespace Watchtower;

/// <summary>
/// A CloudWatch Logs call that failed: an error response from the service, a network failure, a timeout,
/// or missing credentials. It carries the AWS error code, the HTTP status, the request id and a
/// <see cref="Kind"/> that says how to react. It never contains a secret key, a session token or a signature.
/// </summary>
public sealed class CloudWatchLogsException : Exception
{
    /// <summary>Creates an exception with a message only; the kind is <see cref="CloudWatchErrorKind.Other"/>.</summary>
    public CloudWatchLogsException()
        : this("A CloudWatch Logs call failed.")
    {
    }

    /// <summary>Creates an exception with a message only; the kind is <see cref="CloudWatchErrorKind.Other"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public CloudWatchLogsException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with a message and a cause; the kind is <see cref="CloudWatchErrorKind.Other"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CloudWatchLogsException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = "Unknown";
        Operation = string.Empty;
        ServiceMessage = message;
    }

    internal CloudWatchLogsException(
        string operation,
        string errorCode,
        string serviceMessage,
        CloudWatchErrorKind kind,
        HttpStatusCode? statusCode,
        string? requestId,
        bool mayHaveBeenProcessed = false,
        Exception? innerException = null)
        : base(FormatMessage(operation, errorCode, serviceMessage, statusCode, requestId), innerException)
    {
        Operation = operation;
        ErrorCode = errorCode;
        ServiceMessage = serviceMessage;
        Kind = kind;
        StatusCode = statusCode;
        RequestId = requestId;
        MayHaveBeenProcessed = mayHaveBeenProcessed;
    }

    /// <summary>The operation that failed, such as <c>PutLogEvents</c>.</summary>
    public string Operation { get; }

    /// <summary>
    /// The AWS error code with any namespace prefix removed, such as <c>ResourceNotFoundException</c>;
    /// for failures without a response: <c>NetworkError</c>, <c>RequestTimeout</c> or <c>MissingCredentials</c>.
    /// </summary>
    public string ErrorCode { get; }

    /// <summary>The message the service sent, or a description of the local failure.</summary>
    public string ServiceMessage { get; }

    /// <summary>How to react to this error.</summary>
    public CloudWatchErrorKind Kind { get; }

    /// <summary>The HTTP status of the response, or null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The service's request id (header <c>x-amzn-RequestId</c>), for AWS support; null when there was no response.</summary>
    public string? RequestId { get; }

    /// <summary>True when waiting and sending the same request again may succeed (throttling and transient errors).</summary>
    public bool IsRetryable => Kind is CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient;

    /// <summary>
    /// True when the request may have reached the service and been carried out although no answer
    /// arrived (a timeout or a connection lost after sending), so that sending it again may duplicate it.
    /// </summary>
    public bool MayHaveBeenProcessed { get; }

    private static string FormatMessage(string operation, string errorCode, string serviceMessage, HttpStatusCode? statusCode, string? requestId)
    {
        string status = statusCode is { } code ? $"HTTP {(int)code}" : "no response";
        string request = requestId is null ? string.Empty : $", request id {requestId}";
        return $"CloudWatch Logs {operation} failed with {errorCode}: {serviceMessage} ({status}{request})";
    }
}
