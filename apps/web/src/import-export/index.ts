export { ImportDialog, type ImportDialogProps } from './import-dialog.tsx';
export { ExportMenu, type ExportMenuProps } from './export-menu.tsx';
