using Watchtower.CloudWatch;

namespace Watchtower.Tests.CloudWatch;

public sealed class ServiceTextTests
{
    private static readonly SigningCredentials s_credentials = new("AKIAEXAMPLE0000ABCD", "secret/key+value", "session/token+value");

    [Theory]
    [InlineData("one line", "one line")]
    [InlineData("  first\nsecond", "first")]
    [InlineData("first\r\nsecond", "first")]
    [InlineData("\n\nafter blank lines\nmore", "after blank lines")]
    [InlineData("", "")]
    public void FirstLine_KeepsTheFirstNonBlankLine(string text, string expected) =>
        Assert.Equal(expected, ServiceText.FirstLine(text));

    [Fact]
    public void FirstLine_LongText_IsCut()
    {
        string line = ServiceText.FirstLine(new string('x', 10_000));

        Assert.Equal(ServiceText.MaxLength + 3, line.Length);
        Assert.EndsWith("...", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token session/token+value!", "token [redacted]!")]
    [InlineData("key secret/key+value", "key [redacted]")]
    [InlineData("id AKIAEXAMPLE0000ABCD used", "id [access key ending ABCD] used")]
    [InlineData("Signature=0123abcdef, more", "Signature=[redacted], more")]
    [InlineData("was 'AWS4-HMAC-SHA256 Credential=X/1/r/logs/aws4_request, SignedHeaders=host' here", "was '[redacted]' here")]
    [InlineData("nothing secret", "nothing secret")]
    public void Redact_ReplacesEveryCredentialInUse(string text, string expected) =>
        Assert.Equal(expected, ServiceText.Redact(text, s_credentials));

    [Fact]
    public void Sanitize_WithoutCredentials_StillRemovesSignatures() =>
        Assert.Equal("got Signature=[redacted]", ServiceText.Sanitize("got Signature=abc123\nline two", credentials: null));
}
