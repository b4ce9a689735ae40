using System.Text.RegularExpressions;

namespace Watchtower.CloudWatch;

/// <summary>
/// Makes text that came from the service (or from whatever answered in its place) safe to print. AWS's
/// InvalidSignatureException quotes the canonical request it expected, the session token among its headers, and the
/// string to sign; a proxy may echo a request back. So a message is kept to its first line, at most
/// <see cref="MaxLength"/> characters, and the credentials the request was signed with are replaced, wherever they
/// appear, before the text reaches an exception, a warning or an event.
/// </summary>
internal static partial class ServiceText
{
    /// <summary>The longest service message kept: enough for any real one, not for a page of HTML.</summary>
    public const int MaxLength = 512;

    public const string Redacted = "[redacted]";

    /// <summary>The first line of <paramref name="text"/>, cut to <see cref="MaxLength"/>, with the credentials replaced.</summary>
    public static string Sanitize(string text, SigningCredentials? credentials)
    {
        string line = FirstLine(text);
        return credentials is { } used ? Redact(line, used) : RedactSignatures(line);
    }

    /// <summary>The text up to its first line break, trimmed, and cut to <see cref="MaxLength"/> characters.</summary>
    public static string FirstLine(string text)
    {
        ReadOnlySpan<char> span = text.AsSpan().TrimStart();
        int end = span.IndexOfAny('\r', '\n');
        span = (end >= 0 ? span[..end] : span).TrimEnd();
        return span.Length > MaxLength ? string.Concat(span[..MaxLength], "...") : span.ToString();
    }

    /// <summary>
    /// Replaces the secret key and session token with <see cref="Redacted"/>, and the access key id with its last four
    /// characters (enough to tell which key was used, as the AWS console shows it), then any signature.
    /// </summary>
    public static string Redact(string text, SigningCredentials credentials)
    {
        text = Replace(text, credentials.SecretAccessKey, Redacted);
        text = Replace(text, credentials.SessionToken, Redacted);
        string id = credentials.AccessKeyId;
        text = Replace(text, id, id.Length > 8 ? "[access key ending " + id[^4..] + "]" : Redacted);
        return RedactSignatures(text);
    }

    /// <summary>Replaces anything shaped like a SigV4 signature or Authorization header.</summary>
    public static string RedactSignatures(string text) =>
        text.Contains("Signature=", StringComparison.OrdinalIgnoreCase) || text.Contains("AWS4-HMAC-SHA256", StringComparison.Ordinal)
            ? AuthorizationPattern().Replace(SignaturePattern().Replace(text, "Signature=" + Redacted), Redacted)
            : text;

    private static string Replace(string text, string? secret, string replacement) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, replacement, StringComparison.Ordinal);

    [GeneratedRegex("Signature=[0-9A-Fa-f]+", RegexOptions.CultureInvariant)]
    private static partial Regex SignaturePattern();

    [GeneratedRegex("AWS4-HMAC-SHA256[^'\"]*", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationPattern();
}
