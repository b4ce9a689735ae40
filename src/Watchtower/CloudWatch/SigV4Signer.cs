using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Watchtower.CloudWatch;

/// <summary>
/// AWS Signature Version 4 (header signing, AWS4-HMAC-SHA256). Canonicalisation follows the
/// published algorithm and is checked against AWS's test suite; the payload is hashed by the caller,
/// once, so that signing a large body costs one SHA-256 pass over it.
/// </summary>
internal sealed class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";

    private readonly string _region;
    private readonly string _service;

    // Deriving the signing key takes four HMACs; it changes only with the day or the secret.
    private SigningKey? _cachedKey;

    public SigV4Signer(string region, string service)
    {
        _region = region;
        _service = service;
    }

    public string Region => _region;

    /// <summary>Formats a time as SigV4's basic ISO 8601 form, e.g. 20150830T123600Z.</summary>
    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Lower-case hex SHA-256 of a payload.</summary>
    public static string HashPayload(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        return Hex.ToLower(hash);
    }

    /// <summary>
    /// Signs a request. <paramref name="headers"/> must already hold Host and X-Amz-Date (and the
    /// session token where it is to be signed); the returned Authorization value is added by the caller.
    /// </summary>
    public SigV4Result Sign(
        string method,
        string rawPath,
        string rawQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        string payloadHash,
        DateTimeOffset signedAt,
        SigningCredentials credentials)
    {
        string canonicalHeaders = CanonicalizeHeaders(headers, out string signedHeaders);
        string canonicalRequest = string.Join('\n',
            method,
            CanonicalizePath(rawPath),
            CanonicalizeQuery(rawQuery),
            canonicalHeaders,
            signedHeaders,
            payloadHash);

        string amzDate = FormatAmzDate(signedAt);
        string day = amzDate[..8];
        string scope = $"{day}/{_region}/{_service}/aws4_request";
        string stringToSign = string.Join('\n',
            Algorithm,
            amzDate,
            scope,
            HashPayload(Encoding.UTF8.GetBytes(canonicalRequest)));

        byte[] key = GetSigningKey(credentials.SecretAccessKey, day);
        string signature = Hex.ToLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        string authorization =
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Result(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
    }

    private byte[] GetSigningKey(string secret, string day)
    {
        SigningKey? cached = Volatile.Read(ref _cachedKey);
        if (cached is not null && cached.Day == day && string.Equals(cached.Secret, secret, StringComparison.Ordinal))
        {
            return cached.Key;
        }

        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        Volatile.Write(ref _cachedKey, new SigningKey(secret, day, key));
        return key;
    }

    /// <summary>
    /// Lower-cases names, trims values and folds inner runs of whitespace to one space, joins repeated
    /// headers with commas in their original order, and sorts by name.
    /// </summary>
    internal static string CanonicalizeHeaders(IReadOnlyList<KeyValuePair<string, string>> headers, out string signedHeaders)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> header in headers)
        {
            string name = header.Key.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(name, out List<string>? values))
            {
                values = [];
                byName.Add(name, values);
            }

            values.Add(FoldWhitespace(header.Value));
        }

        var canonical = new StringBuilder();
        foreach (KeyValuePair<string, List<string>> entry in byName)
        {
            canonical.Append(entry.Key).Append(':').AppendJoin(',', entry.Value).Append('\n');
        }

        signedHeaders = string.Join(';', byName.Keys);
        return canonical.ToString();
    }

    private static string FoldWhitespace(string value)
    {
        var folded = new StringBuilder(value.Length);
        bool pendingSpace = false;
        foreach (char c in value.AsSpan().Trim())
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                folded.Append(' ');
                pendingSpace = false;
            }

            folded.Append(c);
        }

        return folded.ToString();
    }

    /// <summary>
    /// Removes dot segments and empty segments (every service but S3 normalises paths), then
    /// percent-encodes each segment's UTF-8 bytes except RFC 3986 unreserved characters.
    /// </summary>
    internal static string CanonicalizePath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (string segment in rawPath.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(UriEncode(Uri.UnescapeDataString(segment)));
        }

        bool trailingSlash = rawPath.EndsWith('/') || rawPath.EndsWith("/.", StringComparison.Ordinal) || rawPath.EndsWith("/..", StringComparison.Ordinal);
        string path = "/" + string.Join('/', segments);
        return trailingSlash && segments.Count > 0 ? path + "/" : path;
    }

    /// <summary>Encodes each name and value, then sorts the pairs by name and then by value.</summary>
    internal static string CanonicalizeQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (string part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? part : part[..equals];
            string value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static string UriEncode(string value)
    {
        var encoded = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (IsUnreserved(b))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private sealed record SigningKey(string Secret, string Day, byte[] Key)
    {
        public override string ToString() => $"SigningKey {{ Day = {Day} }}";
    }
}
