using System.Runtime.CompilerServices;

namespace Watchtower.Tests.Support;

internal static class TestEnvironment
{
    /// <summary>Credential and region chains must never probe the instance-metadata address from a test.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly's process-wide guard.")]
    internal static void DisableInstanceMetadata() =>
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
}
