namespace Watchtower.Tests.Support;

/// <summary>Tests that change process-wide environment variables run one at a time, apart from all others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
