export { ImportDialog } from './import-dialog.tsx';
export { ExportMenu } from './export-menu.tsx';
