/** `.sql` files are bundled as their text (tsup `loader: { '.sql': 'text' }`, a vitest plugin in tests). */
declare module '*.sql' {
  const text: string;
  export default text;
}
