using System.Net;
using System.Text;
using System.Text.Json;

namespace Watchtower.CloudWatch;

/// <summary>
/// Turns an awsJson1.1 error response into a <see cref="CloudWatchLogsException"/> and says what kind
/// of error it is. The rules are Smithy's: the code comes from the X-Amzn-Errortype header, else the
/// body's <c>code</c> or <c>__type</c>; only what precedes the first ':' is kept, then only what follows '#'.
/// </summary>
internal static class CloudWatchErrorParser
{
    // The standard retry mode's throttling list. Logs' own LimitExceededException is on that list in
    // the SDKs but means "too many log groups", which no amount of waiting fixes, so it is left out.
    private static readonly HashSet<string> s_throttlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    };

    private static readonly HashSet<string> s_transientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "ServiceUnavailableException", "ServiceUnavailable",
        "InternalFailure", "InternalServerError", "InternalError",
    };

    private static readonly HashSet<string> s_invalidParameterCodes = new(StringComparer.Ordinal)
    {
        "InvalidParameterException", "ValidationException", "SerializationException",
        "InvalidSequenceTokenException", "MalformedQueryException", "TooManyTagsException",
        "InvalidOperationException", "UnknownOperationException",
    };

    private static readonly HashSet<string> s_accessCodes = new(StringComparer.Ordinal)
    {
        "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
        "SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
        "RequestExpired", "RequestTimeTooSkewed", "NotAuthorized", "UnauthorizedOperation", "MissingCredentials",
    };

    /// <summary>Builds the exception for a non-success response.</summary>
    /// <param name="operation">The operation that failed.</param>
    /// <param name="status">The response's status.</param>
    /// <param name="errorTypeHeader">The X-Amzn-Errortype header, if any.</param>
    /// <param name="requestId">The x-amzn-RequestId header, if any.</param>
    /// <param name="body">The response body.</param>
    /// <param name="credentials">What the request was signed with: never repeated in the message (see <see cref="ServiceText"/>).</param>
    public static CloudWatchLogsException Parse(
        string operation,
        HttpStatusCode status,
        string? errorTypeHeader,
        string? requestId,
        ReadOnlySpan<byte> body,
        SigningCredentials? credentials = null)
    {
        (string? bodyCode, string? message) = ReadBody(body);
        string? rawCode = !string.IsNullOrWhiteSpace(errorTypeHeader) ? errorTypeHeader : bodyCode;
        string code = string.IsNullOrWhiteSpace(rawCode)
            ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : NormalizeErrorCode(rawCode);
        message = ServiceText.Sanitize(message ?? status.ToString(), credentials);
        return new CloudWatchLogsException(operation, ServiceText.Sanitize(code, credentials), message, Classify(code, status), status, requestId);
    }

    /// <summary>Keeps what precedes the first ':', then what follows the last '#'.</summary>
    public static string NormalizeErrorCode(string rawCode)
    {
        string code = rawCode;
        int colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        int hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        return code.Trim();
    }

    /// <summary>Maps an error code and status to the kind the engine acts on.</summary>
    public static CloudWatchErrorKind Classify(string code, HttpStatusCode? status)
    {
        if (s_throttlingCodes.Contains(code) || status == HttpStatusCode.TooManyRequests)
        {
            return CloudWatchErrorKind.Throttling;
        }

        if (code == "ResourceNotFoundException")
        {
            return CloudWatchErrorKind.ResourceNotFound;
        }

        if (code == "ResourceAlreadyExistsException")
        {
            return CloudWatchErrorKind.ResourceAlreadyExists;
        }

        if (s_invalidParameterCodes.Contains(code))
        {
            return CloudWatchErrorKind.InvalidParameter;
        }

        if (s_accessCodes.Contains(code) || status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return CloudWatchErrorKind.AccessDenied;
        }

        if (s_transientCodes.Contains(code) || (status is { } s && (int)s >= 500))
        {
            return CloudWatchErrorKind.Transient;
        }

        return CloudWatchErrorKind.Other;
    }

    /// <summary>
    /// True when the service refused the signature because the signing clock is off, which the
    /// client corrects from the response's Date header before sending again, as the AWS SDKs do.
    /// </summary>
    public static bool IsClockSkewError(CloudWatchLogsException error) =>
        error.ErrorCode is "RequestTimeTooSkewed" or "RequestExpired" or "RequestInTheFuture"
        || (error.ErrorCode is "InvalidSignatureException" or "SignatureDoesNotMatch" or "AuthFailure"
            && (error.ServiceMessage.Contains("Signature expired", StringComparison.OrdinalIgnoreCase)
                || error.ServiceMessage.Contains("Signature not yet current", StringComparison.OrdinalIgnoreCase)));

    private static (string? Code, string? Message) ReadBody(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        string? type = null, code = null, message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, TextFallback(body));
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                switch (name)
                {
                    case "__type": type = reader.GetString(); break;
                    case "code": code = reader.GetString(); break;
                    case "message": message = reader.GetString(); break;
                    case "Message": message ??= reader.GetString(); break;
                    default: break;
                }
            }
        }
        catch (JsonException)
        {
            return (null, TextFallback(body));
        }

        return (code ?? type, message);
    }

    // A proxy or load balancer may answer with HTML or text; keep a short, printable excerpt of it.
    private static string TextFallback(ReadOnlySpan<byte> body)
    {
        const int MaxLength = 200;
        string text = Encoding.UTF8.GetString(body.Length > MaxLength * 4 ? body[..(MaxLength * 4)] : body).Trim();
        return text.Length > MaxLength ? text[..MaxLength] + "..." : text;
    }
}
