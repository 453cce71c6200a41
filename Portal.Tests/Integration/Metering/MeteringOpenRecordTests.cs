using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Metering;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Metering;

/// <summary>
/// The aggregator adds to a stored record only while it is still open, in SQL. The test freezes the record (as another
/// instance's sender does when it takes it for a batch) exactly between the aggregator's read and its write: the
/// frozen record must keep the quantity that is being sent, and the new usage must land in a record still open.
/// An aggregator that adds to what it loaded (<c>Quantity +=</c>, then SaveChanges) grows the frozen record instead.
/// </summary>
public sealed class MeteringOpenRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Usage_never_grows_a_record_a_sender_froze_after_the_aggregator_read_it(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var freeze = new FreezeBeforeQuantityUpdate(pg?.ConnectionString);
        await using var world = new MeteringWorld(Now, pg?.ConnectionString, services: s => s.AddSingleton<IInterceptor>(freeze));
        var customer = (await world.CustomersAsync(1))[0];
        await world.UsageAsync(customer.Id, "requests", 2, Now.AddHours(-1));
        await world.Aggregator().AggregateAsync();
        var first = Assert.Single(await world.RecordsAsync());
        Assert.Equal((MeteringStatus.Pending, 2L), (first.Status, first.Quantity));

        await world.UsageAsync(customer.Id, "requests", 3, Now.AddHours(-1));
        freeze.Armed = true;
        await world.Aggregator().AggregateAsync();

        Assert.True(freeze.Fired, "The aggregator never wrote a quantity, so the race was not exercised.");
        var records = (await world.RecordsAsync()).OrderBy(r => r.HourStart).ToList();
        var frozen = Assert.Single(records, r => r.Id == first.Id);
        Assert.Equal((MeteringStatus.Sending, 2L), (frozen.Status, frozen.Quantity));
        var moved = Assert.Single(records, r => r.Id != first.Id);
        Assert.Equal((MeteringStatus.Pending, 3L, new DateTimeOffset(2026, 11, 18, 10, 0, 0, TimeSpan.Zero)), (moved.Status, moved.Quantity, moved.HourStart));
        Assert.Equal(5L, records.Sum(r => r.Quantity)); // nothing lost, nothing counted twice
    }

    /// <summary>
    /// Just before the first UPDATE that writes a metering record's quantity, marks every open record Sending: on
    /// PostgreSQL from another connection (another instance, committed at once); on SQLite, which lets only one writer
    /// in at a time, on the aggregator's own connection inside its transaction, the only moment it could have changed.
    /// </summary>
    private sealed class FreezeBeforeQuantityUpdate(string? postgres) : DbCommandInterceptor
    {
        public volatile bool Armed;
        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken ct = default)
        {
            await FreezeAsync(command, ct);
            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            await FreezeAsync(command, ct);
            return result;
        }

        private async Task FreezeAsync(DbCommand command, CancellationToken ct)
        {
            var sql = command.CommandText;
            if (!Armed || !sql.Contains("UPDATE \"MeteringRecords\"", StringComparison.Ordinal) || !sql.Contains("\"Quantity\"", StringComparison.Ordinal))
                return;
            Armed = false;
            Fired = true;
            const string Freeze = "UPDATE \"MeteringRecords\" SET \"Status\" = 'Sending' WHERE \"Status\" = 'Pending'";
            if (postgres is not null)
            {
                await using var other = new NpgsqlConnection(postgres);
                await other.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand(Freeze, other);
                Assert.Equal(1, await cmd.ExecuteNonQueryAsync(ct));
                return;
            }
            await using var same = command.Connection!.CreateCommand();
            same.Transaction = command.Transaction;
            same.CommandText = Freeze;
            Assert.Equal(1, await same.ExecuteNonQueryAsync(ct));
        }
    }
}
