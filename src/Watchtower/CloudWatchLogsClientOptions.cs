using Amazon.Runtime;

namespace Watchtower;

/// <summary>
/// Where and as whom a <see cref="CloudWatchLogsClient"/> connects. Everything is optional: by default
/// the region, credentials and endpoint come from the same places the AWS SDKs and CLI read them.
/// </summary>
public sealed class CloudWatchLogsClientOptions
{
    /// <summary>
    /// The AWS region, such as <c>eu-west-1</c>. When null, it is read as the AWS SDKs do: the
    /// <c>AWS_REGION</c> and <c>AWS_DEFAULT_REGION</c> environment variables, then the profile
    /// (<see cref="ProfileName"/>, <c>AWS_PROFILE</c> or <c>default</c>), then the instance metadata.
    /// The default is null.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// The endpoint to send requests to, used as given, such as <c>http://127.0.0.1:5000</c> for a
    /// local emulator. When null: <c>AWS_ENDPOINT_URL_CLOUDWATCH_LOGS</c>, then <c>AWS_ENDPOINT_URL</c>
    /// (unless <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>), then the regional endpoint
    /// <c>https://logs.{region}.{partition domain}</c>. The default is null.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// A named profile from the shared AWS config and credentials files to take credentials (and,
    /// when <see cref="Region"/> is null, the region) from. Cannot be combined with <see cref="Credentials"/>.
    /// The default is null: the default credential chain.
    /// </summary>
    public string? ProfileName { get; set; }

    /// <summary>
    /// The shared credentials file to read <see cref="ProfileName"/> from (its <c>config</c> file is read
    /// from the same folder). When null: <c>AWS_SHARED_CREDENTIALS_FILE</c>, else <c>~/.aws/credentials</c>,
    /// as the AWS SDKs do. The default is null.
    /// </summary>
    public string? ProfilesLocation { get; set; }

    /// <summary>
    /// Credentials to sign with, such as <c>new BasicAWSCredentials(accessKey, secretKey)</c> or any
    /// refreshing AWSSDK.Core credentials; they are asked for keys before each request, so rotation works.
    /// Cannot be combined with <see cref="ProfileName"/>. The default is null: the default credential
    /// chain (environment, web identity, profile, container, instance metadata).
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Whether to use the FIPS endpoint (<c>logs-fips.{region}...</c>). When null, the
    /// <c>AWS_USE_FIPS_ENDPOINT</c> environment variable decides. The default is null.
    /// </summary>
    public bool? UseFipsEndpoint { get; set; }

    /// <summary>
    /// Whether to use the dual-stack (IPv4 and IPv6) endpoint (<c>logs.{region}.api.aws</c>). When null,
    /// the <c>AWS_USE_DUALSTACK_ENDPOINT</c> environment variable decides. The default is null.
    /// </summary>
    public bool? UseDualStackEndpoint { get; set; }

    /// <summary>
    /// How long one HTTP attempt may take before it is abandoned and counted as a transient error.
    /// The default is 30 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts per call, the first included, for throttling and transient errors (the AWS SDKs'
    /// standard retry mode, with capped exponential backoff and full jitter). 1 turns retries off.
    /// The default is 3.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;
}
