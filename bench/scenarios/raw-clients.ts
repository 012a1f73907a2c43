/** Plain `pg` clients for the ceiling rows, which measure the database without any library. */
import pg from 'pg';
import { numbers } from './job-tracker.js';

/** Connects `count` clients, runs `work` with them, and ends them whatever happens. */
export async function withClients<T>(url: string, count: number, work: (clients: pg.Client[]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(numbers(0, count).map(async () => {
    const client = new pg.Client(url);
    await client.connect();
    return client;
  }));
  try {
    return await work(clients);
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
