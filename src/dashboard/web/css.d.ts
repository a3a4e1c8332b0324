/** CSS files the front end imports for esbuild to bundle into app.css. */
declare module '*.css';
