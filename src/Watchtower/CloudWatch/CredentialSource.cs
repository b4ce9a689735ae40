using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Watchtower.CloudWatch;

/// <summary>
/// Where the client's keys come from: explicit credentials, a named profile, or AWSSDK.Core's default
/// chain. Keys are asked for before every request so that refreshing credentials (roles, SSO, web
/// identity, instance metadata) rotate without a restart.
/// </summary>
internal sealed class CredentialSource : IDisposable
{
    /// <summary>The error code of a call that could not be signed because no credentials were found.</summary>
    public const string MissingCredentialsCode = "MissingCredentials";

    private readonly string _description;
    private readonly SemaphoreSlim _chainLock = new(1, 1);
    private AWSCredentials? _credentials;

    private CredentialSource(AWSCredentials? credentials, string description)
    {
        _credentials = credentials;
        _description = description;
    }

    /// <summary>Explicit credentials or a profile are checked now; the default chain is resolved on first use.</summary>
    public static CredentialSource Create(CloudWatchLogsClientOptions options)
    {
        if (options.Credentials is not null && !string.IsNullOrEmpty(options.ProfileName))
        {
            throw new InvalidOperationException(
                "Both Credentials and ProfileName are set for CloudWatch Logs; set only one of them.");
        }

        if (options.Credentials is not null)
        {
            return new CredentialSource(options.Credentials, "the configured credentials");
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            CredentialProfileStoreChain profiles = AwsEnvironment.ProfileStore(options.ProfilesLocation);
            if (!profiles.TryGetAWSCredentials(options.ProfileName, out AWSCredentials? fromProfile))
            {
                throw new AwsSetupException(
                    $"The AWS profile '{options.ProfileName}' was not found or has no usable credentials in " +
                    (options.ProfilesLocation is null
                        ? "the shared config and credentials files (~/.aws/config, ~/.aws/credentials, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). "
                        : $"'{options.ProfilesLocation}'. ") +
                    $"Create it with 'aws configure --profile {options.ProfileName}', or fix the ProfileName option.");
            }

            return new CredentialSource(fromProfile, $"the profile '{options.ProfileName}'");
        }

        return new CredentialSource(credentials: null, "the default credential chain");
    }

    public async Task<SigningCredentials> GetAsync(string operation, CancellationToken cancellationToken)
    {
        AWSCredentials credentials = _credentials ?? await ResolveChainAsync(operation, cancellationToken).ConfigureAwait(false);
        ImmutableCredentials keys;
        try
        {
            keys = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException or IOException)
        {
            throw MissingCredentials(operation, $"Getting keys from {_description} failed: {e.Message}", e);
        }

        if (string.IsNullOrEmpty(keys?.AccessKey) || string.IsNullOrEmpty(keys.SecretKey))
        {
            throw MissingCredentials(operation, $"{_description} gave no access key and secret key.", null);
        }

        return new SigningCredentials(keys.AccessKey, keys.SecretKey, keys.UseToken ? keys.Token : null);
    }

    private async Task<AWSCredentials> ResolveChainAsync(string operation, CancellationToken cancellationToken)
    {
        await _chainLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credentials is not null)
            {
                return _credentials;
            }

            try
            {
                // A failure is not remembered: credentials that appear later (a mounted file, a role) are found on the next call.
                _credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return _credentials;
            }
            catch (AmazonClientException e)
            {
                throw MissingCredentials(operation, "No AWS credentials were found by the default credential chain.", e);
            }
        }
        finally
        {
            _chainLock.Release();
        }
    }

    public void Dispose() => _chainLock.Dispose();

    private static CloudWatchLogsException MissingCredentials(string operation, string problem, Exception? inner) =>
        new(
            operation,
            MissingCredentialsCode,
            problem + " Set the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, or configure a profile " +
            "with 'aws configure' (and set ProfileName or AWS_PROFILE), or pass Credentials in the options, or run with a " +
            "container or instance role.",
            CloudWatchErrorKind.AccessDenied,
            statusCode: null,
            requestId: null,
            innerException: inner);
}
