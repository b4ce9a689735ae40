using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>A log group as DescribeLogGroups returns it.</summary>
public sealed class LogGroup
{
    /// <summary>The group's name.</summary>
    public string LogGroupName { get; init; } = string.Empty;

    /// <summary>When the group was created.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>How many days events are kept; null when they never expire.</summary>
    public int? RetentionInDays { get; init; }

    /// <summary>The number of metric filters.</summary>
    public int? MetricFilterCount { get; init; }

    /// <summary>The bytes stored.</summary>
    public long? StoredBytes { get; init; }

    /// <summary>The KMS key the group is encrypted with, if any.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>STANDARD, INFREQUENT_ACCESS or DELIVERY.</summary>
    public string? LogGroupClass { get; init; }

    /// <summary>The ARN with a trailing <c>:*</c>, as IAM policies use it.</summary>
    public string? Arn { get; init; }

    /// <summary>The ARN without the trailing <c>:*</c>, as TagResource takes it.</summary>
    public string? LogGroupArn { get; init; }

    /// <summary>Whether the group is protected from deletion.</summary>
    public bool? DeletionProtectionEnabled { get; init; }
}
