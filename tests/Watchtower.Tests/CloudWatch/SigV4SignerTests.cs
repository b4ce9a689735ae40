using System.Text;
using Amazon.Runtime.Internal.Auth;
using Watchtower.CloudWatch;

namespace Watchtower.Tests.CloudWatch;

/// <summary>Every case of AWS's SigV4 test suite (TestData/aws-sig-v4-test-suite, Apache-2.0), compared file by file.</summary>
public sealed class SigV4SignerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset s_signedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static string SuiteRoot => Path.Combine(AppContext.BaseDirectory, "TestData", "aws-sig-v4-test-suite");

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (string request in Directory.EnumerateFiles(SuiteRoot, "*.req", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cases.Add(Path.GetRelativePath(SuiteRoot, Path.GetDirectoryName(request)!));
        }

        return cases;
    }

    [Fact]
    public void Suite_IsComplete()
    {
        // 23 top-level cases, 2 under post-sts-token and 9 under normalize-path: a lost folder must not pass unnoticed.
        Assert.Equal(34, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_SuiteCase_MatchesCanonicalRequestStringToSignAndAuthorization(string caseFolder)
    {
        string folder = Path.Combine(SuiteRoot, caseFolder);
        string name = Path.GetFileName(folder);
        ParsedRequest parsed = ParsedRequest.Parse(File.ReadAllText(Path.Combine(folder, name + ".req")));
        string expectedCanonical = File.ReadAllText(Path.Combine(folder, name + ".creq"));
        var headers = parsed.Headers.ToList();

        // Where the canonical request signs a session token that the raw request lacks, the token comes from
        // the signed request (get-vanilla-with-session-token); post-sts-header-after adds it only after signing.
        string? token = ReadSignedRequestToken(Path.Combine(folder, name + ".sreq"));
        if (token is not null && expectedCanonical.Contains("x-amz-security-token:", StringComparison.Ordinal)
            && !headers.Any(h => h.Key.Equals("X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("X-Amz-Security-Token", token));
        }

        var signer = new SigV4Signer("us-east-1", "service");
        SigV4Result result = signer.Sign(
            parsed.Method,
            parsed.Path,
            parsed.Query,
            headers,
            SigV4Signer.HashPayload(Encoding.UTF8.GetBytes(parsed.Body)),
            s_signedAt,
            new SigningCredentials(AccessKey, SecretKey, token));

        Assert.Equal(expectedCanonical, result.CanonicalRequest);
        Assert.Equal(File.ReadAllText(Path.Combine(folder, name + ".sts")), result.StringToSign);
        Assert.Equal(File.ReadAllText(Path.Combine(folder, name + ".authz")), result.Authorization);
    }

    [Fact]
    public void Sign_AnyRequest_AgreesWithAwsSdkCoreSignatureOfTheSameCanonicalRequest()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", "application/x-amz-json-1.1"),
            new("host", "logs.eu-west-1.amazonaws.com"),
            new("x-amz-date", "20261123T101500Z"),
            new("x-amz-target", "Logs_20140328.PutLogEvents"),
        };
        var signedAt = new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero);
        string hash = SigV4Signer.HashPayload("{\"logGroupName\":\"g\"}"u8);

        SigV4Result ours = new SigV4Signer("eu-west-1", "logs").Sign("POST", "/", "", headers, hash, signedAt, new SigningCredentials(AccessKey, SecretKey, null));
        AWS4SigningResult sdk = AWS4Signer.ComputeSignature(AccessKey, SecretKey, "eu-west-1", signedAt.UtcDateTime, "logs", ours.SignedHeaders, ours.CanonicalRequest);

        Assert.Equal(sdk.ForAuthorizationHeader, ours.Authorization);
    }

    [Fact]
    public void Sign_SameDayTwice_ReusesDerivedKeyAndGivesSameSignature()
    {
        var signer = new SigV4Signer("us-east-1", "service");
        var headers = new List<KeyValuePair<string, string>> { new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z") };
        string hash = SigV4Signer.HashPayload([]);
        var credentials = new SigningCredentials(AccessKey, SecretKey, null);

        SigV4Result first = signer.Sign("GET", "/", "", headers, hash, s_signedAt, credentials);
        SigV4Result second = signer.Sign("GET", "/", "", headers, hash, s_signedAt, credentials);
        SigV4Result rotated = signer.Sign("GET", "/", "", headers, hash, s_signedAt, credentials with { SecretAccessKey = "other" });

        Assert.Equal(first.Authorization, second.Authorization);
        Assert.NotEqual(first.Signature, rotated.Signature);
    }

    [Fact]
    public void SigningCredentials_ToString_HidesSecretAndToken()
    {
        string text = new SigningCredentials("AKID", "very-secret", "session-token-value").ToString();

        Assert.Contains("AKID", text, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", text, StringComparison.Ordinal);
    }

    private static string? ReadSignedRequestToken(string signedRequestFile)
    {
        if (!File.Exists(signedRequestFile))
        {
            return null;
        }

        const string Prefix = "X-Amz-Security-Token:";
        return File.ReadAllLines(signedRequestFile)
            .Where(line => line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            .Select(line => line[Prefix.Length..])
            .FirstOrDefault();
    }

    /// <summary>A raw HTTP request as the suite writes it: request line, headers (with folded continuation lines), blank line, body.</summary>
    private sealed record ParsedRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
    {
        public static ParsedRequest Parse(string raw)
        {
            string[] lines = raw.Split('\n');
            string requestLine = lines[0];
            int firstSpace = requestLine.IndexOf(' ', StringComparison.Ordinal);
            int lastSpace = requestLine.LastIndexOf(' ');
            string method = requestLine[..firstSpace];
            string target = requestLine[(firstSpace + 1)..lastSpace];
            int question = target.IndexOf('?', StringComparison.Ordinal);
            string path = question < 0 ? target : target[..question];
            string query = question < 0 ? string.Empty : target[(question + 1)..];

            var headers = new List<KeyValuePair<string, string>>();
            int i = 1;
            for (; i < lines.Length && lines[i].Length > 0; i++)
            {
                string line = lines[i];
                if (char.IsWhiteSpace(line[0]) && headers.Count > 0)
                {
                    KeyValuePair<string, string> last = headers[^1];
                    headers[^1] = new(last.Key, last.Value + "\n" + line);
                    continue;
                }

                int colon = line.IndexOf(':', StringComparison.Ordinal);
                headers.Add(new(line[..colon], line[(colon + 1)..]));
            }

            string body = i < lines.Length ? string.Join('\n', lines.Skip(i + 1)) : string.Empty;
            return new ParsedRequest(method, path, query, headers, body);
        }
    }
}
