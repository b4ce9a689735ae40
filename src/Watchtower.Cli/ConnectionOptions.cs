using System.CommandLine;

namespace Watchtower.Cli;

/// <summary>
/// The options every command shares, as the AWS CLI names them: <c>--profile</c>, <c>--region</c>,
/// <c>--endpoint-url</c>. Unset, each falls back as the AWS CLI does (AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION and
/// the profile's region, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / AWS_ENDPOINT_URL), through the library's own resolution.
/// </summary>
internal sealed class ConnectionOptions
{
    public Option<string?> Profile { get; } = new("--profile") { Description = "A profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else the default chain).", Recursive = true };

    public Option<string?> Region { get; } = new("--region") { Description = "The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's).", Recursive = true };

    public Option<string?> EndpointUrl { get; } = new("--endpoint-url") { Description = "The CloudWatch Logs endpoint, for a local emulator or a VPC endpoint.", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Profile);
        root.Options.Add(Region);
        root.Options.Add(EndpointUrl);
    }

    public CloudWatchLogsClientOptions ClientOptions(ParseResult parsed, CliConsole console) => new()
    {
        ProfileName = parsed.GetValue(Profile),
        // The AWS CLI reads AWS_DEFAULT_REGION after AWS_REGION and before the profile; the SDK's chain does not.
        Region = parsed.GetValue(Region)
            ?? (string.IsNullOrEmpty(console.Environment("AWS_REGION")) && console.Environment("AWS_DEFAULT_REGION") is { Length: > 0 } region ? region : null),
        ServiceUrl = parsed.GetValue(EndpointUrl),
    };

    /// <summary>
    /// A client for the command. What it cannot be made from becomes one line each: a bad option value is a usage
    /// error; the AWS setup (no region, a profile that is not there, an endpoint variable that is not a URL), all of
    /// which the client resolves here and nowhere later, is a setup error.
    /// </summary>
    public CloudWatchLogsClient CreateClient(ParseResult parsed, CliConsole console)
    {
        try
        {
            return new CloudWatchLogsClient(ClientOptions(parsed, console), console.Transport);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.Usage);
        }
        catch (InvalidOperationException e)
        {
            // The library's message names its Region option; on the command line the fix is --region.
            throw new CliException(
                e.Message.StartsWith("No AWS region", StringComparison.Ordinal)
                    ? "No AWS region is configured. Pass --region (for example --region eu-west-1), or set AWS_REGION, or 'region' in your profile."
                    : e.Message,
                ExitCodes.Setup);
        }
    }
}
