using System.Net;
using System.Text;
using Watchtower.CloudWatch;

namespace Watchtower.Tests.CloudWatch;

public sealed class CloudWatchErrorParserTests
{
    [Theory]
    // The exact bodies of real captures; their Content-Length values prove the compact form.
    [InlineData("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", 58, "ThrottlingException", "Rate exceeded", CloudWatchErrorKind.Throttling)]
    [InlineData("{\"__type\":\"ResourceAlreadyExistsException\",\"message\":\"The specified log group already exists\"}", 94, "ResourceAlreadyExistsException", "The specified log group already exists", CloudWatchErrorKind.ResourceAlreadyExists)]
    [InlineData("{\"__type\":\"ResourceAlreadyExistsException\",\"message\":\"The specified log stream already exists\"}", 95, "ResourceAlreadyExistsException", "The specified log stream already exists", CloudWatchErrorKind.ResourceAlreadyExists)]
    public void Parse_RealCapture_GivesCodeMessageAndKind(string body, int contentLength, string code, string message, CloudWatchErrorKind kind)
    {
        Assert.Equal(contentLength, Encoding.UTF8.GetByteCount(body));

        CloudWatchLogsException error = CloudWatchErrorParser.Parse("PutLogEvents", HttpStatusCode.BadRequest, null, "r-1", Encoding.UTF8.GetBytes(body));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.ServiceMessage);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("r-1", error.RequestId);
        Assert.Equal("PutLogEvents", error.Operation);
    }

    [Fact]
    public void Parse_TwentyFourHourSpan_IsInvalidParameterOf139Bytes()
    {
        const string Body = "{\"__type\":\"InvalidParameterException\",\"message\":\"The batch of log events in a single PutLogEvents request cannot span more than 24 hours.\"}";
        Assert.Equal(139, Encoding.UTF8.GetByteCount(Body));

        CloudWatchLogsException error = CloudWatchErrorParser.Parse("PutLogEvents", HttpStatusCode.BadRequest, null, null, Encoding.UTF8.GetBytes(Body));

        Assert.Equal(CloudWatchErrorKind.InvalidParameter, error.Kind);
        Assert.False(error.IsRetryable);
    }

    [Theory]
    [InlineData("com.amazonaws.logs#ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("ThrottlingException", "ThrottlingException")]
    public void NormalizeErrorCode_PrefixesAndSuffixes_AreStripped(string raw, string expected) =>
        Assert.Equal(expected, CloudWatchErrorParser.NormalizeErrorCode(raw));

    [Fact]
    public void Parse_ErrorTypeHeader_WinsOverBody()
    {
        CloudWatchLogsException error = CloudWatchErrorParser.Parse(
            "PutLogEvents", HttpStatusCode.BadRequest, "ResourceNotFoundException:http://internal.amazon.com/coral/", null,
            "{\"__type\":\"SomethingElse\",\"message\":\"The specified log stream does not exist.\"}"u8);

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.ResourceNotFound, error.Kind);
    }

    [Fact]
    public void Parse_CodeFieldAndCapitalMessage_AreRead()
    {
        CloudWatchLogsException error = CloudWatchErrorParser.Parse(
            "CreateLogGroup", HttpStatusCode.BadRequest, null, null, "{\"code\":\"com.amazon#AccessDeniedException\",\"Message\":\"User is not authorized\"}"u8);

        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Equal("User is not authorized", error.ServiceMessage);
        Assert.Equal(CloudWatchErrorKind.AccessDenied, error.Kind);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "{\"__type\":\"ServiceUnavailableException\",\"message\":\"The service cannot complete the request.\"}", "ServiceUnavailableException", CloudWatchErrorKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "503", CloudWatchErrorKind.Transient)]
    [InlineData(HttpStatusCode.BadGateway, "<html><body>Bad Gateway</body></html>", "502", CloudWatchErrorKind.Transient)]
    [InlineData(HttpStatusCode.BadRequest, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token included in the request is invalid.\"}", "UnrecognizedClientException", CloudWatchErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.Forbidden, "{}", "403", CloudWatchErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.BadRequest, "{\"__type\":\"LimitExceededException\",\"message\":\"Resource limit exceeded.\"}", "LimitExceededException", CloudWatchErrorKind.Other)]
    [InlineData(HttpStatusCode.BadRequest, "{\"__type\":\"DataAlreadyAcceptedException\",\"message\":\"x\"}", "DataAlreadyAcceptedException", CloudWatchErrorKind.Other)]
    [InlineData(HttpStatusCode.BadRequest, "{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected\"}", "ValidationException", CloudWatchErrorKind.InvalidParameter)]
    [InlineData((HttpStatusCode)429, "", "429", CloudWatchErrorKind.Throttling)]
    public void Parse_StatusAndBody_AreClassified(HttpStatusCode status, string body, string code, CloudWatchErrorKind kind)
    {
        CloudWatchLogsException error = CloudWatchErrorParser.Parse("PutLogEvents", status, null, null, Encoding.UTF8.GetBytes(body));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(kind, error.Kind);
    }

    [Fact]
    public void Parse_HtmlBody_KeepsShortExcerptAsMessage()
    {
        string html = "<html>" + new string('x', 5000) + "</html>";

        CloudWatchLogsException error = CloudWatchErrorParser.Parse("PutLogEvents", HttpStatusCode.BadGateway, null, null, Encoding.UTF8.GetBytes(html));

        Assert.StartsWith("<html>", error.ServiceMessage, StringComparison.Ordinal);
        Assert.True(error.ServiceMessage.Length <= 203);
    }

    [Theory]
    [InlineData("InvalidSignatureException", "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)", true)]
    [InlineData("InvalidSignatureException", "Signature not yet current: 20150830T130000Z is still later than 20150830T125100Z (20150830T124600Z + 5 min.)", true)]
    [InlineData("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", true)]
    [InlineData("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.", false)]
    [InlineData("ThrottlingException", "Rate exceeded", false)]
    public void IsClockSkewError_ByCodeAndMessage(string code, string message, bool expected)
    {
        CloudWatchLogsException error = CloudWatchErrorParser.Parse(
            "PutLogEvents", HttpStatusCode.BadRequest, null, null, Encoding.UTF8.GetBytes($"{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"));

        Assert.Equal(expected, CloudWatchErrorParser.IsClockSkewError(error));
    }

    [Fact]
    public void Message_NamesOperationCodeStatusAndRequestId()
    {
        CloudWatchLogsException error = CloudWatchErrorParser.Parse(
            "CreateLogStream", HttpStatusCode.BadRequest, null, "abc-123", "{\"__type\":\"ResourceNotFoundException\",\"message\":\"The specified log group does not exist.\"}"u8);

        Assert.Equal(
            "CloudWatch Logs CreateLogStream failed with ResourceNotFoundException: The specified log group does not exist. (HTTP 400, request id abc-123)",
            error.Message);
    }
}
