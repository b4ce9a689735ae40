using Watchtower.CloudWatch;

namespace Watchtower.Tests.CloudWatch;

public sealed class AwsEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("us-east-1", "https://logs.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-1", "https://logs.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://logs.cn-north-1.amazonaws.com.cn/")]
    [InlineData("cn-northwest-1", "https://logs.cn-northwest-1.amazonaws.com.cn/")]
    [InlineData("us-gov-west-1", "https://logs.us-gov-west-1.amazonaws.com/")]
    [InlineData("us-iso-east-1", "https://logs.us-iso-east-1.c2s.ic.gov/")]
    public void ResolveEndpoint_Region_GivesPartitionEndpoint(string region, string expected) =>
        Assert.Equal(new Uri(expected), AwsEnvironment.ResolveEndpoint(region, null, null, null, Env()));

    [Theory]
    [InlineData("us-east-1", true, false, "https://logs-fips.us-east-1.amazonaws.com/")]
    [InlineData("us-gov-east-1", true, false, "https://logs.us-gov-east-1.amazonaws.com/")]
    [InlineData("us-east-1", false, true, "https://logs.us-east-1.api.aws/")]
    [InlineData("us-east-1", true, true, "https://logs-fips.us-east-1.api.aws/")]
    [InlineData("cn-north-1", false, true, "https://logs.cn-north-1.api.amazonwebservices.com.cn/")]
    public void ResolveEndpoint_FipsAndDualStack_FollowTheRuleSet(string region, bool fips, bool dualStack, string expected) =>
        Assert.Equal(new Uri(expected), AwsEnvironment.ResolveEndpoint(region, null, fips, dualStack, Env()));

    [Fact]
    public void ResolveEndpoint_FipsFromEnvironment_IsHonoured() =>
        Assert.Equal(
            new Uri("https://logs-fips.us-west-2.amazonaws.com/"),
            AwsEnvironment.ResolveEndpoint("us-west-2", null, null, null, Env(("AWS_USE_FIPS_ENDPOINT", "true"))));

    [Fact]
    public void ResolveEndpoint_ExplicitServiceUrl_WinsOverEnvironment() =>
        Assert.Equal(
            new Uri("http://127.0.0.1:5000/"),
            AwsEnvironment.ResolveEndpoint("us-east-1", "http://127.0.0.1:5000", null, null,
                Env(("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:6000"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:7000"))));

    [Fact]
    public void ResolveEndpoint_ServiceVariable_WinsOverGlobalVariable() =>
        Assert.Equal(
            new Uri("http://127.0.0.1:6000/"),
            AwsEnvironment.ResolveEndpoint("us-east-1", null, null, null,
                Env(("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:6000"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:7000"))));

    [Fact]
    public void ResolveEndpoint_GlobalVariable_IsUsedAlone() =>
        Assert.Equal(
            new Uri("http://127.0.0.1:7000/"),
            AwsEnvironment.ResolveEndpoint("us-east-1", null, null, null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:7000"))));

    [Fact]
    public void ResolveEndpoint_IgnoreConfiguredEndpoints_SkipsVariablesButNotExplicitUrl()
    {
        Func<string, string?> env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:7000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Equal(new Uri("https://logs.us-east-1.amazonaws.com/"), AwsEnvironment.ResolveEndpoint("us-east-1", null, null, null, env));
        Assert.Equal(new Uri("http://localhost:1/"), AwsEnvironment.ResolveEndpoint("us-east-1", "http://localhost:1", null, null, env));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/relative")]
    public void ResolveEndpoint_InvalidUrl_ThrowsNamingTheSource(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEnvironment.ResolveEndpoint("us-east-1", url, null, null, Env()));

        Assert.Contains("ServiceUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveEndpoint_CustomWithFips_IsAConfigurationError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEnvironment.ResolveEndpoint("us-east-1", null, true, null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:7000"))));

        Assert.Contains("AWS_ENDPOINT_URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web")]
    [InlineData("cn-north-1", "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/app/web")]
    [InlineData("us-gov-west-1", "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/app/web")]
    public void LogGroupArn_TakesPartitionFromRegion_WithoutTrailingWildcard(string region, string expected) =>
        Assert.Equal(expected, AwsEnvironment.LogGroupArn(region, "123456789012", "/app/web"));
}
