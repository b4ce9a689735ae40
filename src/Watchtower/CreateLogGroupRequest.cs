namespace Watchtower;

/// <summary>The parameters of CreateLogGroup.</summary>
public sealed class CreateLogGroupRequest
{
    /// <summary>The group's name: 1 to 512 characters from <c>[.-_/#A-Za-z0-9]</c>, not starting with <c>aws/</c>. Required.</summary>
    public required string LogGroupName { get; set; }

    /// <summary>The ARN of a symmetric KMS key to encrypt the group's data with, or null for none.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Tags to create the group with (at most 50), or null for none.</summary>
    public IDictionary<string, string>? Tags { get; set; }

    /// <summary><c>STANDARD</c>, <c>INFREQUENT_ACCESS</c> or <c>DELIVERY</c>; it cannot be changed later. Null means STANDARD.</summary>
    public string? LogGroupClass { get; set; }
}
