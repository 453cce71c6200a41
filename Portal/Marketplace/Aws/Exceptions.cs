using System.Net;

namespace Portal.Marketplace.Aws;

/// <summary>An error answered by an AWS Marketplace API, typed after its <c>__type</c>.</summary>
public class AmazonMarketplaceException(string errorType, string message, HttpStatusCode statusCode, string? requestId)
    : Exception(message)
{
    public string ErrorType { get; } = errorType;
    public HttpStatusCode StatusCode { get; } = statusCode;
    public string? RequestId { get; } = requestId;

    /// <summary>Maps an AWS error type to its exception; unknown types keep their name on the base type.</summary>
    /// <summary>
    /// AWS's common ExpiredTokenException ("The security token included in the request is expired", HTTP 403) is about
    /// the caller's own credentials; ResolveCustomer's own (HTTP 400) is about the buyer's registration token.
    /// https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/CommonErrors.html
    /// </summary>
    private static bool IsAboutCredentials(string message, HttpStatusCode status) =>
        status == HttpStatusCode.Forbidden || message.Contains("security token", StringComparison.OrdinalIgnoreCase)
        || message.Contains("credential", StringComparison.OrdinalIgnoreCase);

    public static AmazonMarketplaceException Create(string errorType, string message, HttpStatusCode status, string? requestId) =>
        errorType switch
        {
            "InvalidTokenException" => new InvalidTokenException(message, status, requestId),
            "ExpiredTokenException" when IsAboutCredentials(message, status) => new ExpiredCredentialsException(message, status, requestId),
            "ExpiredTokenException" => new ExpiredTokenException(message, status, requestId),
            "ThrottlingException" => new ThrottlingException(message, status, requestId),
            "InternalServiceErrorException" => new InternalServiceErrorException(message, status, requestId),
            "DisabledApiException" => new DisabledApiException(message, status, requestId),
            "InvalidProductCodeException" => new InvalidProductCodeException(message, status, requestId),
            "InvalidCustomerIdentifierException" => new InvalidCustomerIdentifierException(message, status, requestId),
            "InvalidUsageDimensionException" => new InvalidUsageDimensionException(message, status, requestId),
            "InvalidUsageAllocationsException" => new InvalidUsageAllocationsException(message, status, requestId),
            "InvalidLicenseException" => new InvalidLicenseException(message, status, requestId),
            "InvalidTagException" => new InvalidTagException(message, status, requestId),
            "TimestampOutOfBoundsException" => new TimestampOutOfBoundsException(message, status, requestId),
            "InvalidParameterException" => new InvalidParameterException(message, status, requestId),
            "CustomerNotEntitledException" => new CustomerNotEntitledException(message, status, requestId),
            "DuplicateRequestException" => new DuplicateRequestException(message, status, requestId),
            _ => new AmazonMarketplaceException(errorType, message, status, requestId),
        };
}

public sealed class InvalidTokenException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidTokenException", m, s, r);
public sealed class ExpiredTokenException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("ExpiredTokenException", m, s, r);
/// <summary>The portal's own AWS credentials expired (same error name as an expired registration token; see <see cref="AmazonMarketplaceException.Create"/>).</summary>
public sealed class ExpiredCredentialsException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("ExpiredTokenException", m, s, r);
public sealed class ThrottlingException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("ThrottlingException", m, s, r);
public sealed class InternalServiceErrorException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InternalServiceErrorException", m, s, r);
public sealed class DisabledApiException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("DisabledApiException", m, s, r);
public sealed class InvalidProductCodeException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidProductCodeException", m, s, r);
public sealed class InvalidCustomerIdentifierException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidCustomerIdentifierException", m, s, r);
public sealed class InvalidUsageDimensionException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidUsageDimensionException", m, s, r);
public sealed class InvalidUsageAllocationsException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidUsageAllocationsException", m, s, r);
public sealed class InvalidLicenseException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidLicenseException", m, s, r);
public sealed class InvalidTagException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidTagException", m, s, r);
public sealed class TimestampOutOfBoundsException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("TimestampOutOfBoundsException", m, s, r);
public sealed class InvalidParameterException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("InvalidParameterException", m, s, r);
public sealed class CustomerNotEntitledException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("CustomerNotEntitledException", m, s, r);
public sealed class DuplicateRequestException(string m, HttpStatusCode s, string? r) : AmazonMarketplaceException("DuplicateRequestException", m, s, r);

/// <summary>AWS could not be reached or did not answer in time (after retries): not an answer from AWS.</summary>
public sealed class MarketplaceUnavailableException(string message, bool timedOut, Exception? inner = null)
    : Exception(message, inner)
{
    public bool TimedOut { get; } = timedOut;
}
