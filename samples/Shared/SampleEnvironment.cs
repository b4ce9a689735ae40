namespace Watchtower.Samples;

/// <summary>What the samples set before anything reads AWS settings.</summary>
internal static class SampleEnvironment
{
    /// <summary>
    /// Never lets the AWS credential or region chain probe the instance-metadata service from a demo, and gives a
    /// local emulator the keys it accepts unless the environment has its own. Against AWS, leave the keys unset and
    /// the default credential chain is used.
    /// </summary>
    public static void UseDemoCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "demo-access-key");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "demo-secret-key");
    }
}
