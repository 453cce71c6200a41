using System.ComponentModel.DataAnnotations;

namespace Portal.Organizations.Members;

public sealed class MembersOptions
{
    public const string SectionName = "Members";

    /// <summary>How long an invitation link works (it works once either way).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "90.00:00:00", ErrorMessage = "Members:InvitationLifetime must be between 10 minutes and 90 days.")]
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often one member may ask the admins to link one subscription.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Members:LinkRequestCooldown must be between 1 minute and 7 days.")]
    public TimeSpan LinkRequestCooldown { get; set; } = TimeSpan.FromHours(1);
}
