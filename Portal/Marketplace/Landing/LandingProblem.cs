namespace Portal.Marketplace.Landing;

/// <summary>Why a landing could not start onboarding; each has its own buyer-facing page and status code.</summary>
public enum LandingProblem
{
    MissingToken,
    InvalidToken,
    ExpiredToken,
    UnknownProduct,
    Unavailable,
    /// <summary>Our own database could not be used just now: as passing as AWS not answering, but not AWS's doing.</summary>
    PortalUnavailable,
    ApiDisabled,
    TooManyRequests,
}

public static class LandingProblemStatus
{
    /// <summary>Retry-After on the 503 pages of a passing outage: the page tells the buyer to wait a minute.</summary>
    public const int RetryAfterSeconds = 60;

    public static int For(LandingProblem p) => p switch
    {
        LandingProblem.MissingToken => StatusCodes.Status400BadRequest,
        LandingProblem.InvalidToken => StatusCodes.Status400BadRequest,
        LandingProblem.ExpiredToken => StatusCodes.Status410Gone,
        LandingProblem.UnknownProduct => StatusCodes.Status404NotFound,
        LandingProblem.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };
}

public abstract record LandingResult
{
    public sealed record Started(Guid SessionId) : LandingResult;
    public sealed record Failed(LandingProblem Problem, string? ProductCode = null) : LandingResult;
}
