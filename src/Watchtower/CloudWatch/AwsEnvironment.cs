using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace Watchtower.CloudWatch;

/// <summary>
/// Resolves region and endpoint the way the AWS SDKs do. Environment lookups go through a function so
/// that tests can supply their own environment without touching the process's.
/// </summary>
internal static class AwsEnvironment
{
    public const string ServiceEnvironmentVariable = "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS";
    public const string GlobalEndpointEnvironmentVariable = "AWS_ENDPOINT_URL";

    public static Func<string, string?> ProcessEnvironment { get; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The region from the options, else from the named profile, else from AWSSDK.Core's chain
    /// (environment, default profile, instance metadata); throws one exception that names the fixes.
    /// </summary>
    public static string ResolveRegion(CloudWatchLogsClientOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            return options.Region.Trim();
        }

        if (options.ProfileName is { Length: > 0 } profileName
            && ProfileStore(options.ProfilesLocation).TryGetProfile(profileName, out CredentialProfile? profile)
            && profile.Region is not null)
        {
            return profile.Region.SystemName;
        }

        string? region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new AwsSetupException(
                "No AWS region is configured for CloudWatch Logs. Set the Region option (for example \"eu-west-1\"), " +
                "or the AWS_REGION environment variable, or 'region' in the profile of ~/.aws/config.");
        }

        return region;
    }

    /// <summary>The shared config and credentials files, at an explicit location or where the AWS SDKs look.</summary>
    public static CredentialProfileStoreChain ProfileStore(string? profilesLocation) =>
        string.IsNullOrEmpty(profilesLocation) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(profilesLocation);

    /// <summary>
    /// The endpoint: explicit, else from the environment, else the regional endpoint of the region's partition.
    /// </summary>
    public static Uri ResolveEndpoint(
        string region,
        string? serviceUrl,
        bool? useFips,
        bool? useDualStack,
        Func<string, string?> environment)
    {
        bool fips = useFips ?? IsTrue(environment("AWS_USE_FIPS_ENDPOINT"));
        bool dualStack = useDualStack ?? IsTrue(environment("AWS_USE_DUALSTACK_ENDPOINT"));

        string? configured = serviceUrl;
        string source = "ServiceUrl";
        if (string.IsNullOrWhiteSpace(configured) && !IsTrue(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
        {
            configured = environment(ServiceEnvironmentVariable);
            source = ServiceEnvironmentVariable;
            if (string.IsNullOrWhiteSpace(configured))
            {
                configured = environment(GlobalEndpointEnvironmentVariable);
                source = GlobalEndpointEnvironmentVariable;
            }
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out Uri? custom)
                || (custom.Scheme != Uri.UriSchemeHttp && custom.Scheme != Uri.UriSchemeHttps))
            {
                throw source == "ServiceUrl"
                    ? new InvalidOperationException($"The CloudWatch Logs endpoint from {source} is not an absolute http or https URL: '{configured}'.")
                    : new AwsSetupException($"The CloudWatch Logs endpoint from the {source} environment variable is not an absolute http or https URL: '{configured}'. Fix or unset the variable.");
            }

            if (fips || dualStack)
            {
                throw new InvalidOperationException(
                    $"A custom CloudWatch Logs endpoint (from {source}) cannot be combined with the FIPS or dual-stack endpoint settings; remove one of them.");
            }

            return custom;
        }

        RegionEndpoint regionEndpoint = RegionEndpoint.GetBySystemName(region);
        string partition = regionEndpoint.PartitionName;
        string dnsSuffix = regionEndpoint.PartitionDnsSuffix;
        string host;
        if (dualStack)
        {
            string dualStackSuffix = partition switch
            {
                "aws" or "aws-us-gov" => "api.aws",
                "aws-cn" => "api.amazonwebservices.com.cn",
                _ => throw new InvalidOperationException(
                    $"The dual-stack CloudWatch Logs endpoint is not available in the {partition} partition (region {region})."),
            };
            host = $"{(fips ? "logs-fips" : "logs")}.{region}.{dualStackSuffix}";
        }
        else if (fips && region is "us-gov-east-1" or "us-gov-west-1")
        {
            // GovCloud's regular endpoints are already FIPS endpoints.
            host = $"logs.{region}.{dnsSuffix}";
        }
        else
        {
            host = $"{(fips ? "logs-fips" : "logs")}.{region}.{dnsSuffix}";
        }

        return new Uri($"https://{host}/");
    }

    /// <summary>The ARN partition of a region: aws, aws-cn, aws-us-gov, aws-iso, ...</summary>
    public static string PartitionOf(string region) => RegionEndpoint.GetBySystemName(region).PartitionName;

    /// <summary>The ARN that TagResource and ListTagsForResource take for a log group: no trailing ':*'.</summary>
    public static string LogGroupArn(string region, string accountId, string logGroupName) =>
        string.Create(CultureInfo.InvariantCulture, $"arn:{PartitionOf(region)}:logs:{region}:{accountId}:log-group:{logGroupName}");

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
