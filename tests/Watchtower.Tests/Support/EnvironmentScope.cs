using Amazon.Runtime;

namespace Watchtower.Tests.Support;

/// <summary>
/// Sets process environment variables for one test and restores them afterwards. Every AWS variable
/// that could leak in from the machine is cleared first, HOME points at an empty folder so no real
/// ~/.aws files are read, and AWSSDK.Core's cached region is reset. Tests that use it belong to the
/// <see cref="ProcessEnvironmentCollection"/>, which runs alone.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly string[] s_awsVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "HOME",
    ];

    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);
    private readonly TempFolder _home;
    private readonly string? _savedProfilesLocation = Amazon.AWSConfigs.AWSProfilesLocation;

    public EnvironmentScope(IReadOnlyDictionary<string, string?>? variables = null)
    {
        _home = TempFolder.ForCaller("home");
        foreach (string name in s_awsVariables)
        {
            Set(name, null);
        }

        Set("HOME", _home.Path);
        Set("AWS_EC2_METADATA_DISABLED", "true");
        foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
        {
            Set(name, value);
        }

        FallbackRegionFactory.Reset();
    }

    public string Home => _home.Path;

    /// <summary>
    /// The keys moto accepts, in the environment as a deployed app has them (so the default credential chain finds
    /// them), with any other variables to set or remove (null).
    /// </summary>
    public static EnvironmentScope WithTestCredentials(params (string Name, string? Value)[] more)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing-access-key",
            ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key",
        };
        foreach ((string name, string? value) in more)
        {
            variables[name] = value;
        }

        return new EnvironmentScope(variables);
    }

    public void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>Points AWSSDK.Core's profile store at a credentials file (a config file beside it is read too).</summary>
    public static void SetProfilesLocation(string credentialsFile) => Amazon.AWSConfigs.AWSProfilesLocation = credentialsFile;

    public void Dispose()
    {
        Amazon.AWSConfigs.AWSProfilesLocation = _savedProfilesLocation;
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        FallbackRegionFactory.Reset();
        _home.Dispose();
    }
}
