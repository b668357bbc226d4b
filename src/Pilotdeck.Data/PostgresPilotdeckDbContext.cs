using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

/// <summary>The server provider; its type selects the migrations in Migrations/Postgres.</summary>
public sealed class PostgresPilotdeckDbContext(DbContextOptions<PostgresPilotdeckDbContext> options)
    : PilotdeckDbContext(options);
