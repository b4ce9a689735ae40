using Watchtower.Tests.Support;

namespace Watchtower.Tests.CloudWatch;

/// <summary>Credentials and region from the environment and from profile files, as the AWS SDKs find them.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CredentialResolutionTests
{
    private static async Task<RecordedRequest> SendOneAsync(CloudWatchLogsClientOptions options)
    {
        using var handler = new RecordingHandler();
        options.ServiceUrl ??= "https://logs.example.test";
        using var client = new CloudWatchLogsClient(options, handler);
        await client.DeleteLogGroupAsync("g");
        return Assert.Single(handler.Requests);
    }

    private static string AccessKeyOf(RecordedRequest request) =>
        request.Header("Authorization").Split("Credential=")[1].Split('/')[0];

    private static string RegionOf(RecordedRequest request) =>
        request.Header("Authorization").Split("Credential=")[1].Split('/')[2];

    [Fact]
    public async Task DefaultChain_EnvironmentVariables_AreUsedWithSessionToken()
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAFROMENVIRONMENT",
            ["AWS_SECRET_ACCESS_KEY"] = "env-secret",
            ["AWS_SESSION_TOKEN"] = "env-token",
            ["AWS_REGION"] = "ap-south-1",
        });

        RecordedRequest request = await SendOneAsync(new CloudWatchLogsClientOptions());

        Assert.Equal("AKIAFROMENVIRONMENT", AccessKeyOf(request));
        Assert.Equal("ap-south-1", RegionOf(request));
        Assert.Equal("env-token", request.Header("X-Amz-Security-Token"));
    }

    [Fact]
    public async Task ProfileName_ReadsCredentialsAndRegionFromProfileFiles()
    {
        using var scope = new EnvironmentScope();
        using TempFolder folder = TempFolder.ForCaller();
        string credentials = folder.Write("credentials", "[dev]\naws_access_key_id = AKIAFROMPROFILE\naws_secret_access_key = profile-secret\n");
        folder.Write("config", "[profile dev]\nregion = ap-southeast-2\n");

        RecordedRequest request = await SendOneAsync(new CloudWatchLogsClientOptions { ProfileName = "dev", ProfilesLocation = credentials });

        Assert.Equal("AKIAFROMPROFILE", AccessKeyOf(request));
        Assert.Equal("ap-southeast-2", RegionOf(request));
    }

    [Fact]
    public async Task DefaultChain_AwsProfileVariable_SelectsProfile()
    {
        using var scope = new EnvironmentScope();
        using TempFolder folder = TempFolder.ForCaller();
        // AWSSDK.Core reads AWS_SHARED_CREDENTIALS_FILE once per process; AWSConfigs is its in-process equivalent.
        EnvironmentScope.SetProfilesLocation(folder.Write("credentials", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = s2\n"));
        scope.Set("AWS_PROFILE", "ops");
        scope.Set("AWS_REGION", "eu-central-1");

        RecordedRequest request = await SendOneAsync(new CloudWatchLogsClientOptions());

        Assert.Equal("AKIAOPS", AccessKeyOf(request));
    }

    [Fact]
    public async Task ExplicitRegion_WinsOverEnvironment()
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIA1",
            ["AWS_SECRET_ACCESS_KEY"] = "s",
            ["AWS_REGION"] = "ap-south-1",
        });

        RecordedRequest request = await SendOneAsync(new CloudWatchLogsClientOptions { Region = "sa-east-1" });

        Assert.Equal("sa-east-1", RegionOf(request));
    }

    [Fact]
    public void MissingProfile_FailsAtConstructionNamingTheFix()
    {
        using var scope = new EnvironmentScope();

        using TempFolder folder = TempFolder.ForCaller();
        string credentials = folder.Write("credentials", "[other]\naws_access_key_id = AKIA\naws_secret_access_key = s\n");

        var error = Assert.ThrowsAny<InvalidOperationException>(() => new CloudWatchLogsClient(new CloudWatchLogsClientOptions { ProfileName = "nowhere", ProfilesLocation = credentials, Region = "us-east-1" }));

        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws configure --profile nowhere", error.Message, StringComparison.Ordinal);
        Assert.Contains(credentials, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRegion_FailsAtConstructionNamingTheFix()
    {
        using var scope = new EnvironmentScope();

        var error = Assert.ThrowsAny<InvalidOperationException>(() => new CloudWatchLogsClient(new CloudWatchLogsClientOptions { ServiceUrl = "http://127.0.0.1:1" }));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.Contains("Region option", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCredentials_FailOnFirstCallNamingTheFix()
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_REGION"] = "us-east-1" });
        using var handler = new RecordingHandler();
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions { ServiceUrl = "http://127.0.0.1:1" }, handler);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal("MissingCredentials", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.AccessDenied, error.Kind);
        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws configure", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void EndpointVariable_IsHonouredByTheClient()
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = "http://127.0.0.1:4566",
        });

        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions());

        Assert.Equal(new Uri("http://127.0.0.1:4566/"), client.ServiceUrl);
    }
}
