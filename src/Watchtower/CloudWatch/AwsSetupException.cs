namespace Watchtower.CloudWatch;

/// <summary>
/// An AWS setting the environment lacks (no region, a profile that is not on this machine, an endpoint variable that
/// is not a URL): not a mistake in the options, which fail at startup, but a fact about where the process runs. The
/// public client throws it as the <see cref="InvalidOperationException"/> it documents; the engine reports it once,
/// counts what it cannot ship, and keeps the application running.
/// </summary>
internal sealed class AwsSetupException : InvalidOperationException
{
    public AwsSetupException()
    {
    }

    public AwsSetupException(string message)
        : base(message)
    {
    }

    public AwsSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
