using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Marketplace.Aws;

/// <summary>AWS JSON 1.1 sends timestamps as (possibly fractional) seconds since the Unix epoch.</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(reader.GetDouble() * TimeSpan.TicksPerSecond));
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString();
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
                return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(secs * TimeSpan.TicksPerSecond));
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
                return dto;
        }
        throw new JsonException("Expected an epoch-seconds timestamp.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks % TimeSpan.TicksPerSecond == 0) writer.WriteNumberValue(ticks / TimeSpan.TicksPerSecond);
        else writer.WriteNumberValue(Math.Round((double)ticks / TimeSpan.TicksPerSecond, 3));
    }
}

public sealed class NullableEpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly EpochSecondsConverter Inner = new();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else Inner.Write(writer, value.Value, options);
    }
}
